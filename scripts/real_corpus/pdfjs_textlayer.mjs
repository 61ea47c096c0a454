// The text a reader copies from pdf.js's text layer: one span per text item, and a browser
// puts a line break between absolutely positioned spans. So every item (a run of one font:
// digits set in the Latin font are runs of their own) is a line; pages are separated by a
// blank line, with no form feed.
//   PDFJS_DIST=.corpus-tools/node_modules/pdfjs-dist node pdfjs_textlayer.mjs FILE.pdf
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const { getDocument } = await import(
  pathToFileURL(process.env.PDFJS_DIST + "/legacy/build/pdf.mjs").href);

const data = new Uint8Array(readFileSync(process.argv[2]));
const pdf = await getDocument({ data, useSystemFonts: false, verbosity: 0 }).promise;
const pages = [];
for (let n = 1; n <= pdf.numPages; n++) {
  const page = await pdf.getPage(n);
  const content = await page.getTextContent();
  const lines = content.items.map((item) => item.str).filter((s) => s.trim() !== "");
  pages.push(lines.join("\n"));
}
process.stdout.write(pages.join("\n\n") + "\n");
