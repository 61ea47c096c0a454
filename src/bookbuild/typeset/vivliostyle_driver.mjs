// One chromium, many documents: the vertical edition's Vivliostyle runs, without a new Node,
// Vite server and browser for each part (typeset/vivliostyle.py starts one of these per
// process and keeps it).
//
// It does what `vivliostyle build --single-doc` does for one HTML document, with the pinned
// CLI's own packages (@vivliostyle/viewer, puppeteer-core, found next to the CLI given as
// the first argument): the viewer lays the document out in headless chromium, and chromium
// prints the pages. The viewer is loaded once and kept: each next document goes to its core
// (see openViewer below). What the CLI then does to the PDF with pdf-lib (page boxes, reading
// direction, metadata) bookbuild does with pikepdf, from the figures this script reports.
//
//   node vivliostyle_driver.mjs <cli.js> <chromium>
//
// One job a line on stdin, JSON: {"folder": absolute path, "output": absolute path,
// "timeout_ms": number}. One answer a line on stdout, JSON: {"ok": true, "pageProgression",
// "pageSizes": [{mediaWidth, mediaHeight, bleedOffset, bleedSize}, ...] in points,
// "metadata", "browserVersion", "messages": [text, ...], "cmykMap": {"[r,g,b]": {c, m, y, k}}}
// or {"ok": false, "error": text}.
//
// The sandbox: a loopback server that serves the viewer, an empty warm-up document and the
// job's folder only (no path out of either), every other request of the page aborted;
// chromium itself is started through bookbuild's offline wrapper (no background
// networking, a closed proxy).

import { createRequire } from "node:module";
import { createServer } from "node:http";
import { readFile, writeFile, rename } from "node:fs/promises";
import path from "node:path";
import readline from "node:readline";

const [cliPath, chromium] = process.argv.slice(2);
const requireFromCli = createRequire(cliPath);
const puppeteer = requireFromCli("puppeteer-core");
const viewerRoot = path.join(path.dirname(requireFromCli.resolve("@vivliostyle/viewer/package.json")), "lib");

const CONTENT_TYPES = {
  ".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8", ".json": "application/json",
  ".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
  ".gif": "image/gif", ".webp": "image/webp", ".woff": "font/woff", ".woff2": "font/woff2",
  ".ttf": "font/ttf", ".otf": "font/otf", ".map": "application/json",
};

// The job being laid out: its number names its folder's URL (/doc/<number>/), so that no
// request of an earlier document, nor anything the viewer keeps by URL, reaches this one's.
let currentJob = null;
// An empty document, the viewer's first: see openViewer below.
const WARM_UP_PATH = "/warm-up.html";
const WARM_UP_HTML = '<!DOCTYPE html><html><head><meta charset="utf-8"><title></title></head><body></body></html>';
const WARM_UP_TIMEOUT_MS = 120_000;

function served(root, urlPath) {
  const file = path.resolve(root, "." + decodeURIComponent(urlPath));
  return file === root || file.startsWith(root + path.sep) ? file : null;
}

function documentFile(pathname) {
  if (!currentJob) return null;
  const prefix = `/doc/${currentJob.number}/`;
  return pathname.startsWith(prefix) ? served(currentJob.folder, pathname.slice(prefix.length - 1)) : null;
}

const server = createServer(async (request, response) => {
  const { pathname } = new URL(request.url, "http://localhost");
  let file = null;
  if (pathname === WARM_UP_PATH) {
    response.writeHead(200, { "Content-Type": CONTENT_TYPES[".html"], "Cache-Control": "no-store" });
    response.end(WARM_UP_HTML);
    return;
  }
  if (pathname.startsWith("/viewer/")) file = served(viewerRoot, pathname.slice("/viewer".length));
  else if (pathname.startsWith("/doc/")) file = documentFile(pathname);
  try {
    if (!file) throw new Error("outside");
    const body = await readFile(file);
    response.writeHead(200, {
      "Content-Type": CONTENT_TYPES[path.extname(file).toLowerCase()] ?? "application/octet-stream",
      "Cache-Control": "no-store",
    });
    response.end(body);
  } catch {
    response.writeHead(404);
    response.end();
  }
});
await new Promise((resolve) => server.listen(0, "localhost", resolve));
// "localhost", not 127.0.0.1: the offline wrapper resolves no other name, nor any address.
const origin = `http://localhost:${server.address().port}`;

// The CLI's own chromium flags for a headless build (launchBrowser in its server module),
// but --disable-web-security: the viewer and the document share one origin here.
const browser = await puppeteer.launch({
  executablePath: chromium,
  headless: true,
  waitForInitialPage: false,
  protocolTimeout: 0,
  handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false,
  env: { ...process.env, LANG: "en.UTF-8" },
  args: [
    "--disable-field-trial-config", "--disable-back-forward-cache", "--disable-component-update",
    "--no-default-browser-check",
    "--disable-features=AcceptCHFrame,AvoidUnnecessaryBeforeUnloadCheckSync,DestroyProfileOnBrowserClose,DialMediaRouteProvider,GlobalMediaControls,HttpsUpgrades,LensOverlay,MediaRouter,PaintHolding,ThirdPartyStoragePartitioning,Translate,AutoDeElevate,RenderDocument",
    "--no-service-autorun", "--no-sandbox", "--hide-scrollbars", "--mute-audio",
    "--force-device-scale-factor=1", "--lang=en", "--no-startup-window",
  ],
});
const browserVersion = await browser.version();

// One viewer page, kept: it loads the viewer app (a 1 MB script) with a document in the
// URL, as the CLI does, and the jobs hand their documents to the same viewer's core
// (coreViewer.loadDocument, with the options the app gave it the first time), which starts
// each document afresh (new document store, page counters, page-size rules and viewport
// contents). The viewer app itself would reload the whole page on a new URL. The driver
// loads it as it starts, on an empty document, while bookbuild prepares the first part;
// a job that finds no viewer (the warm-up failed, or the job before failed and closed the
// page) loads one with its own document.
let viewer = null;
let jobNumber = 0;
let messages = [];

async function openViewer(source, timeoutMs) {
  const page = await browser.newPage();
  try {
    page.setDefaultTimeout(timeoutMs);
    await page.setViewport({ width: 800, height: 600 });
    await page.setRequestInterception(true);
    page.on("request", (request) => {
      if (request.url().startsWith(origin + "/") || request.url().startsWith("data:")) request.continue();
      else { messages.push(`ERROR refused to fetch ${request.url()}`); request.abort(); }
    });
    page.on("pageerror", (error) => messages.push(`ERROR ${error.message}`));
    page.on("console", (message) => {
      if (message.type() === "error") messages.push(`ERROR ${message.text()}`);
    });
    page.on("response", (response) => {
      if (response.status() >= 400) messages.push(`ERROR ${response.status()} ${response.url().replace(origin, "")}`);
    });
    // The options the viewer app hands the core with its first document, kept for the next.
    await page.evaluateOnNewDocument(() => {
      let core;
      Object.defineProperty(window, "coreViewer", {
        configurable: true,
        get: () => core,
        set: (value) => {
          core = value;
          const load = value.loadDocument.bind(value);
          value.loadDocument = (urls, documentOptions, viewerOptions) => {
            window.bookbuildLoadOptions ??= { documentOptions, viewerOptions };
            load(urls, documentOptions, viewerOptions);
          };
        },
      });
    });
    await page.goto(`${origin}/viewer/index.html#src=${source}&bookMode=false&renderAllPages=true`);
    await page.waitForFunction(() => !!window.coreViewer);
    await page.emulateMediaType("print");
    await page.waitForFunction(() => window.coreViewer.readyState === "complete", { polling: 50 });
    return page;
  } catch (error) {
    await page.close();
    throw error;
  }
}

async function loadInViewer(page, job, source) {
  page.setDefaultTimeout(job.timeout_ms);
  // Done when the core has gone through "loading" to "complete" again.
  await page.evaluate((source) => {
    const core = window.coreViewer;
    const { documentOptions, viewerOptions } = window.bookbuildLoadOptions;
    window.bookbuildLoad = "sent";
    const listener = () => {
      if (core.readyState === "loading" && window.bookbuildLoad === "sent") window.bookbuildLoad = "loading";
      else if (core.readyState === "complete" && window.bookbuildLoad === "loading") {
        window.bookbuildLoad = "complete";
        core.removeListener("readystatechange", listener);
      }
    };
    core.addListener("readystatechange", listener);
    core.loadDocument([source], documentOptions, viewerOptions);
  }, source);
  await page.waitForFunction(() => window.bookbuildLoad === "complete", { polling: 50 });
}

const warmingUp = openViewer(origin + WARM_UP_PATH, WARM_UP_TIMEOUT_MS).then(
  (page) => { viewer = page; }, () => {});

async function layOut(job) {
  await warmingUp;
  jobNumber += 1;
  currentJob = { number: jobNumber, folder: path.resolve(job.folder) };
  messages = [];
  const source = `${origin}/doc/${jobNumber}/index.html`;
  try {
    if (viewer) await loadInViewer(viewer, job, source);
    else viewer = await openViewer(source, job.timeout_ms);
    const page = viewer;
    const pageProgression = await page.evaluate(() =>
      document.querySelector("#vivliostyle-viewer-viewport")?.dataset.vivliostylePageProgression === "rtl" ? "rtl" : "ltr");
    const metadata = await page.evaluate(() => window.coreViewer.getMetadata());
    const pageSizes = await page.evaluate(() => {
      const sizes = [];
      for (const container of document.querySelectorAll("#vivliostyle-viewer-viewport > div > div > div[data-vivliostyle-page-container]")) {
        const bleedBox = container.querySelector("div[data-vivliostyle-bleed-box]");
        sizes.push({
          mediaWidth: Number.parseFloat(container.style.width) * 0.75,
          mediaHeight: Number.parseFloat(container.style.height) * 0.75,
          bleedOffset: Number.parseFloat(bleedBox?.style.left ?? "") * 0.75,
          bleedSize: Number.parseFloat(bleedBox?.style.paddingLeft ?? "") * 0.75,
        });
      }
      return sizes;
    });
    // bookbuild's PDF/X-4 (typeset/pdfx.py): the viewer's device-cmyk() colours by the RGB
    // it drew them in, as the CLI's loadCmykMap asks for them ({} from an older viewer).
    const cmykMap = await page.evaluate(() => window.coreViewer.getCmykMap?.() ?? {});
    const pdf = await page.pdf({
      margin: { top: 0, bottom: 0, right: 0, left: 0 },
      printBackground: true, tagged: true, preferCSSPageSize: true, timeout: job.timeout_ms,
    });
    await writeFile(job.output + ".part", pdf);
    await rename(job.output + ".part", job.output);
    return { ok: true, pageProgression, pageSizes, metadata, browserVersion, messages, cmykMap };
  } catch (error) {
    const page = viewer;
    viewer = null;
    await page?.close().catch(() => {});
    throw error;
  } finally {
    currentJob = null;
  }
}

const lines = readline.createInterface({ input: process.stdin });
for await (const line of lines) {
  if (!line.trim()) continue;
  let answer;
  try {
    answer = await layOut(JSON.parse(line));
  } catch (error) {
    answer = { ok: false, error: String(error?.stack ?? error) };
  }
  process.stdout.write(JSON.stringify(answer) + "\n");
}
await browser.close();
server.close();
