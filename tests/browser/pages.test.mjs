// End-to-end tests of Provenance's pages, as a person uses them, in headless Chromium (the
// Debian package at /usr/bin/chromium) driven by playwright-core; axe-core checks every page.
// Run by tests/browser.rs, which starts the real service, loads the statements and passes:
//   BASE_URL     the service, http://127.0.0.1:PORT
//   FIXTURE      a JSON file naming the statements and the copies to paste and drop
//   SCREENSHOTS  the folder for screenshots (every page at 1280 and 375 px) and page weights
// Playwright gives each browser launch a fresh profile (--user-data-dir in a new temporary
// folder); it never downloads a browser.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import fs from "node:fs";
import path from "node:path";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const BASE = process.env.BASE_URL;
const fixture = JSON.parse(fs.readFileSync(process.env.FIXTURE, "utf8"));
const SHOTS = process.env.SCREENSHOTS;
const AXE = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const WIDE = { width: 1280, height: 900 };
const NARROW = { width: 375, height: 800 };

const read = (file) => fs.readFileSync(file, "utf8");
const sha256 = (text) => createHash("sha256").update(text).digest("hex");

let browser;

before(async () => {
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", headless: true, args: FLAGS });
});

after(async () => {
  await browser?.close();
});

/// A fresh context and page, watched for dialogs, requests, script errors and CSP violations.
async function open(options = {}) {
  const context = await browser.newContext({ viewport: WIDE, ...options });
  // A missing element fails fast rather than after Playwright's 30 s.
  context.setDefaultTimeout(8000);
  await context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      (window.__csp = window.__csp || []).push(`${event.violatedDirective} ${event.blockedURI}`);
    });
  });
  const page = await context.newPage();
  const seen = { dialogs: [], pwned: [], scriptErrors: [], cspConsole: [], requests: [] };
  page.on("dialog", (dialog) => {
    seen.dialogs.push(dialog.message());
    dialog.dismiss().catch(() => {});
  });
  page.on("request", (request) => {
    seen.requests.push(request);
    if (new URL(request.url()).pathname.startsWith("/pwned")) seen.pwned.push(request.url());
  });
  page.on("pageerror", (error) => seen.scriptErrors.push(String(error)));
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) seen.cspConsole.push(message.text());
  });
  return { context, page, seen };
}

function checkHeaders(response, status, what) {
  assert.equal(response.status(), status, `${what}: status`);
  const headers = response.headers();
  assert.match(headers["content-type"], /^text\/html; charset=utf-8/, `${what}: a page, not a problem document`);
  const csp = headers["content-security-policy"] || "";
  for (const directive of ["default-src 'self'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'"]) {
    assert.ok(csp.includes(directive), `${what}: CSP has ${directive}: ${csp}`);
  }
  assert.ok(!csp.includes("unsafe-inline") && !csp.includes("unsafe-eval"), `${what}: no unsafe CSP`);
  assert.equal(headers["x-content-type-options"], "nosniff", `${what}: nosniff`);
}

/// Goes to `address` and checks the answer's status and headers.
async function visit(page, address, status = 200) {
  const response = await page.goto(BASE + address);
  checkHeaders(response, status, address);
  return response;
}

/// Runs `action`, which navigates, and checks the page it leads to.
async function navigate(page, action, status = 200) {
  const [response] = await Promise.all([page.waitForNavigation(), action()]);
  checkHeaders(response, status, response.url());
  return response;
}

/// axe (no serious or critical violation), the security checks (nothing ran but the service's
/// own script), the 375 px fit, and screenshots at both widths.
async function audit(page, seen, name) {
  await page.evaluate(AXE);
  const results = await page.evaluate(() =>
    Promise.race([
      window.axe.run(document, { resultTypes: ["violations"] }),
      new Promise((_, fail) => setTimeout(() => fail(new Error("axe did not finish in 20 s")), 20000)),
    ])
  );
  const serious = results.violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`);
  assert.deepEqual(serious, [], `axe on ${name}`);
  const dom = await page.evaluate(() => ({
    scripts: Array.from(document.scripts).map((s) => (s.src ? new URL(s.src).pathname : `inline: ${s.textContent.slice(0, 60)}`)),
    handlers: Array.from(document.querySelectorAll("*")).flatMap((element) =>
      Array.from(element.attributes)
        .filter((attribute) => attribute.name.toLowerCase().startsWith("on"))
        .map((attribute) => `${element.tagName} ${attribute.name}`)
    ),
    scriptLinks: Array.from(document.querySelectorAll("[href], [src], [action], [formaction]"))
      .map((e) => e.getAttribute("href") || e.getAttribute("src") || e.getAttribute("action") || e.getAttribute("formaction"))
      .filter((value) => /^\s*(javascript|data|vbscript):/i.test(value)),
    embedded: document.querySelectorAll("iframe, frame, object, embed, img, svg, style, link[rel=import]").length,
    styleAttributes: document.querySelectorAll("[style]").length,
    csp: window.__csp || [],
  }));
  assert.deepEqual(dom.scripts.filter((s) => s !== "/assets/app.js"), [], `${name}: only the service's script`);
  assert.deepEqual(dom.handlers, [], `${name}: no event-handler attribute`);
  assert.deepEqual(dom.scriptLinks, [], `${name}: no javascript: or data: link`);
  assert.equal(dom.embedded, 0, `${name}: no frame, object, image or style element from a statement`);
  assert.equal(dom.styleAttributes, 0, `${name}: no inline style`);
  assert.deepEqual(dom.csp, [], `${name}: no CSP violation`);
  assert.deepEqual(seen.cspConsole, [], `${name}: no CSP violation reported`);
  assert.deepEqual(seen.dialogs, [], `${name}: no dialog opened`);
  assert.deepEqual(seen.pwned, [], `${name}: no request made by statement content`);
  assert.deepEqual(seen.scriptErrors, [], `${name}: no script error`);
  await page.screenshot({ path: path.join(SHOTS, `${name}-1280.png`), fullPage: true });
  await page.setViewportSize(NARROW);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= NARROW.width, `${name} fits 375 px without scrolling sideways (is ${width} px wide)`);
  await page.screenshot({ path: path.join(SHOTS, `${name}-375.png`), fullPage: true });
  await page.setViewportSize(WIDE);
}

async function text(page, selector) {
  return (await page.locator(selector).first().textContent()).trim();
}

/// Waits until every proof on a verdict page has been checked by the page's script.
async function proofsChecked(page) {
  const checked = () =>
    Array.from(document.querySelectorAll(".proof[data-bundle]")).every((block) => block.dataset.browserCheck);
  await page.waitForFunction(checked).catch(async (error) => {
    const shown = await page.$$eval(".proof-browser", (lines) => lines.map((line) => line.textContent));
    throw new Error(`the proofs were not all checked: ${JSON.stringify(shown)} (${error.message})`);
  });
  return page.$$eval(".proof[data-bundle]", (blocks) =>
    blocks.map((block) =>
      block.dataset.browserCheck === "failed"
        ? `failed: ${block.querySelector(".proof-browser").textContent}`
        : block.dataset.browserCheck
    )
  );
}

async function verifyPasted(page, file, contentType = "text/plain") {
  await visit(page, "/verify");
  await page.fill("#text", read(file));
  await page.selectOption("#content_type", contentType);
  return navigate(page, () => page.click("form.verify button[type=submit]"));
}

test("the home page shows the latest changes and the log, and works from the keyboard", async () => {
  const { context, page, seen } = await open();
  await visit(page, "/");
  assert.equal(await text(page, "h1"), "Find a statement");
  // One line per statement: the 50-version statement takes one, not the whole list.
  assert.equal(await page.locator("ol.changes li").count(), fixture.statements);
  assert.match(
    await page.locator("ol.changes li", { hasText: "Version 50" }).textContent(),
    /with 49 earlier versions among the latest/
  );
  assert.match(await text(page, "#log-heading + p"), new RegExp(`holds ${fixture.total_versions} entries`));
  assert.match(await text(page, "#log-heading + p"), /UTC/);
  await audit(page, seen, "home");

  // Keyboard: the skip link comes first, visibly focused; then the search box.
  await page.keyboard.press("Tab");
  const skip = await page.evaluate(() => {
    const element = document.activeElement;
    const style = getComputedStyle(element);
    return { text: element.textContent, outline: style.outlineStyle, top: element.getBoundingClientRect().top };
  });
  assert.equal(skip.text, "Skip to the content");
  assert.notEqual(skip.outline, "none", "focus is visible");
  assert.ok(skip.top >= 0, "the focused skip link is on screen");
  await page.keyboard.press("Enter");
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.id), "q", "the search box follows the skip link");
  await context.close();
});

test("search by URL opens the statement's history", async () => {
  const { context, page, seen } = await open();
  await visit(page, "/");
  await page.fill("#q", `HTTPS://WWW.ACLU.ORG/press-releases/aclu-florida-sessions-miami?utm_source=newsletter#top`);
  await navigate(page, () => page.keyboard.press("Enter"));
  assert.equal(new URL(page.url()).pathname, `/statements/${fixture.release.id}`);
  assert.equal(await text(page, "h1"), fixture.release.title);
  assert.equal(await page.locator("ol.timeline > li").count(), fixture.release.versions);
  assert.equal(await text(page, "ol.timeline > li .badge.current"), "current");
  assert.equal(await page.locator("ol.timeline .badge.cosmetic").count(), 1, "the cosmetic version is marked");
  assert.match(await text(page, "#version-2 .change"), /1 word added, 1 word removed/);
  assert.match(await text(page, "#version-4 .change"), /Changed: title/);
  assert.match(await text(page, "#version-1 .meta"), /by the key newsroom-desk/);
  assert.match(await text(page, "dl.facts"), /16 August 2017/);
  assert.match(await text(page, "dl.facts"), /Dateline\s*MIAMI/);
  assert.match(await text(page, "ul.contacts"), /Ryan Karerat/);
  const download = page.locator("#version-1 a[download]");
  assert.match(await download.getAttribute("href"), new RegExp(`/v1/statements/${fixture.release.id}/versions/1/content$`));
  const proof = await (await page.request.get(BASE + (await page.locator("#version-1 a", { hasText: "Proof bundle" }).getAttribute("href")))).json();
  assert.equal(proof.format, "provenance-proof-bundle/1");
  await audit(page, seen, "statement");
  await page.screenshot({ path: path.join(SHOTS, "readme-statement.png"), fullPage: true, clip: { x: 0, y: 0, width: 1280, height: 1200 } });

  await navigate(page, () => page.click("#version-1 h3 a"));
  assert.match(await text(page, ".verdict"), /Superseded: version 2 was recorded/);
  await audit(page, seen, "version");
  await context.close();
});

test("comparing two versions shows the words changed, inline and side by side, and marks cosmetic changes", async () => {
  const { context, page, seen } = await open();
  await visit(page, `/statements/${fixture.release.id}`);
  await navigate(page, () => page.locator("#version-2 a", { hasText: "What changed from version 1" }).click());
  assert.equal(await text(page, "h1"), "What changed");
  assert.equal(await text(page, "section[aria-labelledby=inline-heading] .diff del"), "caving");
  assert.equal(await text(page, "section[aria-labelledby=inline-heading] .diff ins"), "yielding");
  assert.equal(await page.locator(".columns del").count(), 1);
  assert.equal(await page.locator(".columns ins").count(), 1);
  assert.match(await text(page, ".summary .verdict"), /1 word added and 1 word removed/);
  await audit(page, seen, "compare");

  await page.fill("#from", "2");
  await page.fill("#to", "3");
  await navigate(page, () => page.click("form.compare button"));
  assert.match(await text(page, ".summary .verdict"), /Cosmetic only/);
  assert.ok((await page.locator(".diff.cosmetic ins").count()) > 0, "the cosmetic marks are shown");
  await audit(page, seen, "compare-cosmetic");

  await visit(page, `/statements/${fixture.release.id}/compare?from=3&to=4`);
  assert.match(await text(page, "table.details"), /title/);
  assert.match(await text(page, "table.details"), /ACLU of Florida on the Attorney General's Visit to Miami/);
  assert.match(await text(page, "main"), /The text is the same in both versions/);
  await context.close();
});

test("verifying a pasted superseded copy says when it was changed, and checks the proof in the browser", async () => {
  const { context, page, seen } = await open();
  await visit(page, "/verify");
  await audit(page, seen, "verify");
  await verifyPasted(page, fixture.release.v1_file);
  assert.equal(await text(page, "h1"), "This wording was changed since");
  const changed = await text(page, ".changed");
  assert.match(changed, /It was changed on .* UTC, when version 2 was recorded \(text changed\)/);
  const link = page.locator(".changed a", { hasText: "see what changed" });
  assert.equal(await link.getAttribute("href"), `/statements/${fixture.release.id}/compare?from=1&to=2`);
  assert.match(await text(page, "section.match p"), /published 16 August 2017/);
  assert.deepEqual(await proofsChecked(page), ["verified"], "the proof verified in the browser, signature included");
  assert.match(await text(page, ".proof-browser"), /Ed25519 signature verifies with the log key shown/);
  assert.match(await text(page, ".proof-server"), /verified/);
  const key = (await (await page.request.get(`${BASE}/v1/log/key`)).text()).trim();
  assert.equal(await text(page, "#log-key"), key, "the key the proofs are checked against is the log's");
  assert.equal(await text(page, "#copy-sha256"), sha256(read(fixture.release.v1_file)));
  await audit(page, seen, "verify-superseded");
  await navigate(page, () => link.click());
  assert.equal(await text(page, "section[aria-labelledby=inline-heading] .diff del"), "caving");
  await context.close();
});

test("verifying a dropped file with 'check the hash only' never sends its text", async () => {
  const { context, page, seen } = await open();
  await visit(page, "/verify");
  const content = read(fixture.release.current_file);
  assert.ok(await page.locator("#local").isVisible(), "the hash-only option is offered");
  await page.check("#hash_only");
  const dataTransfer = await page.evaluateHandle((body) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([body], "statement.txt", { type: "text/plain" }));
    return transfer;
  }, content);
  await page.dispatchEvent("#drop", "drop", { dataTransfer });
  assert.match(await text(page, "#file-name"), /statement\.txt/);
  await navigate(page, () => page.click("form.verify button[type=submit]"));
  assert.equal(await text(page, "h1"), "This is the current wording");
  assert.match(await text(page, "section.copy"), /computed in your browser: the text was not sent/);
  assert.equal(await text(page, "#copy-sha256"), fixture.release.current_sha256);
  // Versions 3 and 4 have these bytes (version 4 changed the title only).
  assert.deepEqual(await proofsChecked(page), ["verified", "verified"]);
  assert.equal(await page.locator("article.source").count(), 1);

  const phrases = ["Gimenez", "yielding to threats", content.slice(0, 40)];
  for (const request of seen.requests) {
    const body = request.postData() || "";
    const decoded = [request.url(), body, ...new URLSearchParams(body).values()].map((part) => {
      try {
        return decodeURIComponent(part.replace(/\+/g, " "));
      } catch {
        return part;
      }
    });
    for (const phrase of phrases) {
      assert.ok(!decoded.some((part) => part.includes(phrase)), `${request.method()} ${request.url()} carried the text`);
    }
  }
  const posted = seen.requests.filter((request) => request.method() === "POST");
  assert.equal(posted.length, 1);
  const fields = new URLSearchParams(posted[0].postData());
  assert.equal(fields.get("sha256"), fixture.release.current_sha256);
  assert.equal(fields.get("hash_only"), "on");
  assert.ok(!fields.has("text") && !fields.has("file_sha256"), `only the hash was sent: ${posted[0].postData()}`);
  await audit(page, seen, "verify-hash-only");
  await context.close();
});

test("a copy current at one source and superseded at another says so", async () => {
  const { context, page, seen } = await open();
  await verifyPasted(page, fixture.mixed.file);
  assert.equal(await text(page, "h1"), "Current at one source, changed at another");
  const sources = await page.$$eval("article.source", (articles) =>
    articles.map((article) => [article.querySelector("p.url").textContent.trim(), article.querySelector("h2 .badge").textContent])
  );
  assert.deepEqual(sources.sort(), [[fixture.mixed.mirror, "changed since"], [fixture.mixed.url, "current"]].sort());
  assert.match(await text(page, "ul.tally"), /current at 1 source/);
  assert.match(await text(page, "ul.tally"), /changed since at 1 source/);
  assert.deepEqual(await proofsChecked(page), ["verified", "verified"]);
  await audit(page, seen, "verify-mixed");
  await page.screenshot({ path: path.join(SHOTS, "readme-verify.png"), fullPage: true, clip: { x: 0, y: 0, width: 1280, height: 1200 } });
  await context.close();
});

test("the same words with other line breaks are 'same words, different formatting'; an unknown copy is not in the registry", async () => {
  const { context, page, seen } = await open();
  await verifyPasted(page, fixture.reformatted_file);
  assert.equal(await text(page, "h1"), "Same words, different formatting");
  assert.deepEqual(await proofsChecked(page), ["verified"]);
  await audit(page, seen, "verify-same-words");
  await verifyPasted(page, fixture.unknown_file);
  assert.equal(await text(page, "h1"), "Not in the registry");
  await audit(page, seen, "verify-unknown");
  await context.close();
});

test("tracing a quote shows where it first appeared, with the words marked, then its later appearances", async () => {
  const { context, page, seen } = await open();
  await visit(page, "/trace");
  await audit(page, seen, "trace-form");
  await page.fill("#passage", `“${fixture.release.quote.replace(/ /g, "\n")}”`);
  await navigate(page, () => page.click("form.trace button"));
  const first = page.locator("section[aria-labelledby=first-heading] article");
  assert.match(await first.locator("h3 a").getAttribute("href"), new RegExp(`/statements/${fixture.release.id}/versions/1$`));
  assert.match(await first.locator(".meta").textContent(), /Published 16 August 2017/);
  assert.match(await first.locator(".meta").textContent(), /also in 2, 3, 4/);
  assert.match(await first.locator("mark").textContent(), /^Sanctuary city policies improve public safety/);
  const later = await page.$$eval("ol.appearances h3", (headings) => headings.map((h) => h.textContent));
  assert.ok(later.includes("Miami reacts to the Attorney General"), `later appearances: ${later}`);
  await audit(page, seen, "trace");
  await context.close();
});

test("errors are friendly pages with the right status", async () => {
  const { context, page, seen } = await open();
  const cases = [
    ["/statements/00000000000000000000000000000000", 404, "No such statement", "error-unknown-statement"],
    ["/statements/not-an-id", 400, "That is not a statement id", "error-malformed-id"],
    [`/statements/${fixture.release.id}/versions/99`, 404, "No such version", null],
    [`/search?q=${"a".repeat(63)}`, 400, "That is not a SHA-256", "error-malformed-hash"],
    ["/search?q=", 422, "Nothing to search for", null],
    ["/trace?passage=+", 422, "Nothing to trace", null],
    ["/no/such/page", 404, "There is no page here", null],
  ];
  for (const [address, status, heading, name] of cases) {
    await visit(page, address, status);
    assert.equal(await text(page, "h1"), heading, address);
    if (name) await audit(page, seen, name);
  }
  await visit(page, "/verify");
  await navigate(page, () => page.click("form.verify button[type=submit]"), 422);
  assert.equal(await text(page, "h1"), "Nothing to verify");
  await audit(page, seen, "error-empty-paste");
  await visit(page, "/verify");
  await page.check("#hash_only");
  await navigate(page, () => page.click("form.verify button[type=submit]"), 422);
  assert.equal(await text(page, "h1"), "Nothing to verify", "hash only, with nothing to hash");
  await context.close();
});

test("hostile statements stay text on every page that shows them", async () => {
  const { context, page, seen } = await open();
  const hostile = fixture.hostile;
  const showsTitle = async (where) => {
    const shown = await page.evaluate(() => Array.from(document.querySelectorAll("bdi")).map((b) => b.textContent));
    assert.ok(shown.some((t) => t.includes("<script>fetch('/pwned-title')</script>")), `${where}: the title is shown as text`);
  };
  await visit(page, "/");
  await showsTitle("home");
  await audit(page, seen, "hostile-home");

  await visit(page, `/statements/${hostile.id}`);
  await showsTitle("statement");
  assert.match(await text(page, ".statement-text"), /eleven .*bold.* words/);
  assert.match(await text(page, "dl.facts"), /<img src=\/pwned-publisher onerror=alert\('publisher'\)>/);
  assert.match(await text(page, "ul.contacts"), /"><svg onload=alert\('contact'\)>/);
  assert.match(await text(page, "ul.contacts"), /javascript:alert\('org'\)/);
  assert.match(await text(page, ".note"), /recorded as an HTML page/);
  assert.equal(await page.locator("a[download]").count(), 2, "the exact bytes are downloaded, never shown");
  assert.match(await text(page, "dl.facts"), /2 January 2026, 03:04 UTC\+05:30/);
  await audit(page, seen, "hostile-statement");

  for (const [address, name] of [
    [`/statements/${hostile.id}/versions/1`, "hostile-version"],
    [`/statements/${hostile.id}/compare?from=1&to=2`, "hostile-compare"],
    [`/search?q=${hostile.sha256}`, "hostile-search-hash"],
    [`/statements/${fixture.hostile_plain.id}`, "hostile-plain"],
    [`/trace?passage=${encodeURIComponent(hostile.passage)}`, "hostile-trace"],
    [`/search?q=${encodeURIComponent(fixture.hostile_plain.passage)}`, "hostile-search-words"],
  ]) {
    await visit(page, address);
    await audit(page, seen, name);
    if (name === "hostile-plain") {
      assert.match(await text(page, ".statement-text"), /WASHINGTON \[RLO\]— Plain hostile text/, "the bidi override is shown, not applied");
      assert.ok(!(await page.evaluate(() => document.body.innerText.includes("\u202e"))), "no override is applied");
    }
  }
  assert.match(await text(page, "blockquote.context"), /<script>fetch\('\/pwned-text'\)<\/script>/);

  await verifyPasted(page, hostile.file, "text/html");
  assert.equal(await text(page, "h1"), "This wording was changed since");
  await showsTitle("verdict");
  assert.deepEqual(await proofsChecked(page), ["verified"]);
  await audit(page, seen, "hostile-verify");
  await context.close();
});

test("the log page shows the checkpoint, the key, the size and how to verify offline", async () => {
  const { context, page, seen } = await open();
  await visit(page, "/log");
  const key = (await (await page.request.get(`${BASE}/v1/log/key`)).text()).trim();
  const checkpoint = await (await page.request.get(`${BASE}/v1/log/checkpoint`)).text();
  assert.equal(await text(page, "#log-key"), key);
  assert.equal(await page.locator("pre.checkpoint").textContent(), checkpoint);
  assert.match(await text(page, "dl.facts"), new RegExp(`Entries\\s*${fixture.total_versions}`));
  assert.match(await text(page, "main"), /provenance verify copy\.txt --server/);
  assert.match(await text(page, "main"), /python3 examples\/verify_bundle\.py bundle\.json/);
  await audit(page, seen, "log");
  await context.close();
});

test("a statement of 50 versions lists them all", async () => {
  const { context, page, seen } = await open();
  await visit(page, `/statements/${fixture.long.id}`);
  assert.equal(await page.locator("ol.timeline > li").count(), fixture.long.versions);
  assert.match(await text(page, "#version-50 .change"), /1 word added, 1 word removed/);
  await audit(page, seen, "statement-50-versions");
  await context.close();
});

// axe needs scripts, so these pages are audited above with scripts on.
test("the pages work with JavaScript off", async () => {
  const { context, page } = await open({ javaScriptEnabled: false });
  await visit(page, `/statements/${fixture.release.id}`);
  assert.equal(await page.locator("ol.timeline > li").count(), fixture.release.versions);
  await visit(page, "/verify");
  assert.ok(!(await page.locator("#local").isVisible()), "no hash-only option without the script");
  assert.ok(!(await page.locator("#drop").isVisible()), "no file drop without the script");
  await page.fill("#text", read(fixture.release.v1_file));
  await navigate(page, () => page.click("form.verify button[type=submit]"));
  assert.equal(await text(page, "h1"), "This wording was changed since");
  assert.match(await text(page, ".proof-server"), /The registry checked this version's proof with its log key: verified/);
  assert.match(await text(page, ".proof-browser"), /With scripts on, your browser checks the proof too/);
  await context.close();
});

test("page weight of the home, statement (50 versions) and verify pages", async () => {
  const pages = [
    ["home", "/"],
    ["statement, 50 versions", `/statements/${fixture.long.id}`],
    ["verify form", "/verify"],
  ];
  const weights = [];
  for (const [name, address] of pages) {
    const context = await browser.newContext({ viewport: WIDE });
    const page = await context.newPage();
    const requests = [];
    page.on("requestfinished", (request) => requests.push(request));
    await page.goto(BASE + address, { waitUntil: "load" });
    const parts = {};
    let bytes = 0;
    for (const request of requests) {
      const sizes = await request.sizes();
      const size = sizes.responseBodySize + sizes.responseHeadersSize;
      bytes += size;
      parts[`${request.resourceType()} ${new URL(request.url()).pathname}`] = size;
    }
    weights.push({ page: name, address, requests: requests.length, bytes, parts });
    await context.close();
  }
  console.log("page weight (cold cache; bytes = response headers + bodies, uncompressed):");
  for (const w of weights) console.log(`  ${w.page}: ${w.requests} requests, ${w.bytes} bytes ${JSON.stringify(w.parts)}`);
  fs.writeFileSync(path.join(SHOTS, "page-weight.json"), JSON.stringify(weights, null, 2) + "\n");
  for (const w of weights) {
    assert.ok(w.requests >= 3 && w.requests <= 4, `${w.page}: the page, its stylesheet and script (and icon): ${w.requests}`);
  }
});
