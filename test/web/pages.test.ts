// The web UI in a real browser (Debian's Chromium through playwright-core) against the service
// on a seeded database: the runs table with filters in the URL, pagination, run and artifact
// pages, the lineage explorer (nodes, edges, expansion, direction, truncation, exports), search,
// live status, and the draw time of a 1,001-node graph (reported, not asserted).
import { readFileSync } from "node:fs";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GraphFixture } from "../helpers/lineage-fixtures.ts";
import { contentHash, ok, TEST_DB } from "../harness.ts";
import { openWebSession, poll, screenshotPath, skipWithoutChromium, type WebSession } from "./browser.ts";

const skip = skipWithoutChromium("test/web/pages.test.ts");

const REGISTER = `mutation($input: RegisterArtifactInput!) { registerArtifact(input: $input) { uid } }`;
const TRACK = `mutation($input: TrackInput!) { track(input: $input) { uid } }`;
const FINISH = `mutation($uid: String!, $status: RunStatus) { finishRun(input: { uid: $uid, status: $status }) { uid } }`;

interface Pipeline {
  raw: string;
  raw2: string;
  align: string;
  bam: string;
  count: string;
  counts: string;
  countsV2: string;
  report: string;
  summary: string;
  batch: string;
}

/** A 3-stage pipeline: raw → align → bam → count → counts → report → summary (report still running). */
async function seedPipeline(web: WebSession): Promise<Pipeline> {
  const gql = async (query: string, variables: Record<string, unknown>) => ok(await web.svc.gql(query, variables));
  const register = async (key: string, runUid?: string, revisesUid?: string) =>
    (await gql(REGISTER, { input: { key, hash: contentHash(`${revisesUid ?? ""}${key}`), size: 5_000_000, runUid, revisesUid } })).registerArtifact
      .uid as string;
  const track = async (name: string, inputs: string[], params: Record<string, unknown>) =>
    (
      await gql(TRACK, {
        input: { transform: { name, version: "1.0" }, params, defineMissingParams: true, inputArtifactUids: inputs, reference: `ref-${name}` },
      })
    ).track.uid as string;
  const raw = await register("raw/sample1.fastq.gz");
  const raw2 = await register("raw/sample2.fastq.gz");
  const align = await track("align", [raw, raw2], { min_quality: 30, genome: "GRCh38" });
  const bam = await register("aligned/sample.bam", align);
  await gql(FINISH, { uid: align });
  const count = await track("count", [bam], { min_quality: 10 });
  const counts = await register("results/counts.parquet", count);
  const countsV2 = await register("results/counts.parquet", count, counts);
  await gql(FINISH, { uid: count, status: "ERRORED" });
  const report = await track("report", [countsV2], { min_quality: 25 });
  const summary = await register("report/summary.html", report);
  const batch = (
    await gql(`mutation($input: CreateCollectionInput!) { createCollection(input: $input) { uid } }`, {
      input: { key: "raw/batch1", artifactUids: [raw, raw2] },
    })
  ).createCollection.uid as string;
  return { raw, raw2, align, bam, count, counts, countsV2, report, summary, batch };
}

const nodeUids = (page: Page) => page.locator("svg.graph g.node").evaluateAll((nodes) => nodes.map((node) => node.getAttribute("data-uid")).sort());
const edgePairs = (page: Page) =>
  page
    .locator("svg.graph path[data-source]")
    .evaluateAll((paths) => paths.map((path) => `${path.getAttribute("data-source")}>${path.getAttribute("data-target")}`).sort());
const rowUids = (page: Page) => page.locator("table.runs tbody tr").evaluateAll((rows) => rows.map((row) => row.getAttribute("data-uid")));
/** Waits until the explorer has drawn a graph of `count` nodes. */
const drawn = (page: Page, count: number) => page.locator(`.graph-stats[data-nodes="${count}"][data-draw-ms]`).waitFor();

describe.skipIf(skip)(`the web UI in Chromium (${TEST_DB})`, () => {
  let web: WebSession;
  let p: Pipeline;

  beforeAll(async () => {
    web = await openWebSession();
    p = await seedPipeline(web);
  });

  afterAll(async () => {
    await web?.close();
  });

  it("serves the pages with a strict CSP behind the host check, keeps GraphiQL at /graphql", async () => {
    const page = await fetch(`${web.base}/runs/${p.align}`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-security-policy")).toMatch(/default-src 'none'; script-src 'self'/);
    expect(page.headers.get("cache-control")).toBe("no-cache");
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(await page.text())![1];
    expect((await fetch(`${web.base}${script}`)).headers.get("cache-control")).toMatch(/immutable/);
    const graphiql = await fetch(`${web.base}/graphql`, { headers: { accept: "text/html" } });
    expect(graphiql.status).toBe(200);
    expect(await graphiql.text()).toMatch(/graphiql/i);
    const rebound = await web.svc.yoga.fetch("http://attacker.example/", { headers: { host: "attacker.example" } });
    expect(rebound.status).toBe(421);
  });

  it("runs table: filters go into the URL and survive a reload; params, status and total count shown", async () => {
    const page = await web.newPage();
    await page.goto(`${web.base}/`);
    await poll(() => rowUids(page)).toEqual([p.report, p.count, p.align]);
    expect(await page.getByTestId("total-count").textContent()).toBe("3");
    await page.screenshot({ path: screenshotPath("runs.png") });
    await poll(() => page.locator(`tr[data-uid="${p.align}"] .chip`).allTextContents()).toEqual(["genome=GRCh38", "min_quality=30"]);
    await page.getByLabel("completed").check();
    await poll(() => rowUids(page)).toEqual([p.align]);
    expect(new URL(page.url()).searchParams.get("status")).toBe("COMPLETED");
    await page.getByLabel("completed").uncheck();
    await page.getByPlaceholder("min_quality >= 20").fill("min_quality >= 20");
    await page.getByRole("button", { name: "Apply" }).click();
    await poll(() => rowUids(page)).toEqual([p.report, p.align]);
    expect(new URL(page.url()).searchParams.get("param")).toBe("min_quality >= 20");
    await page.getByPlaceholder("name contains").fill("rep");
    await page.getByRole("button", { name: "Apply" }).click();
    await poll(() => rowUids(page)).toEqual([p.report]);
    await page.reload();
    await poll(() => rowUids(page)).toEqual([p.report]);
    expect(await page.getByPlaceholder("min_quality >= 20").inputValue()).toBe("min_quality >= 20");
    expect(await page.getByPlaceholder("name contains").inputValue()).toBe("rep");
    await page.close();
  });

  it("runs table: cursor pagination loads the next page", async () => {
    const page = await web.newPage();
    await page.goto(`${web.base}/?size=2&sort=STARTED_AT&dir=ASC`);
    await poll(() => rowUids(page)).toEqual([p.align, p.count]);
    await page.getByRole("button", { name: "Load more" }).click();
    await poll(() => rowUids(page)).toEqual([p.align, p.count, p.report]);
    await expect(page.getByRole("button", { name: "Load more" }).count()).resolves.toBe(0);
    await page.close();
  });

  it("run page: fields, params, inputs and outputs with links, and its lineage; a node opens its page and back", async () => {
    const page = await web.newPage();
    await page.goto(`${web.base}/`);
    await page.locator(`tr[data-uid="${p.count}"] a.uid`).click();
    await page.waitForURL(`**/runs/${p.count}`);
    expect(await page.getByTestId("run-status").textContent()).toBe("ERRORED");
    expect(await page.locator("main").textContent()).toContain("ref-count");
    await expect
      .poll(() => page.locator("[data-testid=inputs] li").evaluateAll((items) => items.map((item) => item.getAttribute("data-uid"))))
      .toEqual([p.bam]);
    expect(await page.locator("[data-testid=outputs] li").evaluateAll((items) => items.map((item) => item.getAttribute("data-uid")).sort())).toEqual(
      [p.counts, p.countsV2].sort(),
    );
    expect(await page.locator("table.params").textContent()).toContain("min_quality10");
    // Both directions: the pipeline from the raw reads to the report's summary.
    await drawn(page, 9);
    expect(await nodeUids(page)).toEqual([p.raw, p.raw2, p.align, p.bam, p.count, p.counts, p.countsV2, p.report, p.summary].sort());
    expect(await page.locator(`g.node.start`).getAttribute("data-uid")).toBe(p.count);
    // Runs are drawn in their status's colour: the errored start apart from the finished aligner.
    const runFill = (uid: string) => page.locator(`g.node[data-uid="${uid}"] rect`).first().getAttribute("fill");
    expect(await page.locator(`g.node[data-uid="${p.count}"]`).getAttribute("aria-label")).toContain("errored");
    expect(await runFill(p.count)).not.toBe(await runFill(p.align));
    await page.locator(`g.node[data-uid="${p.bam}"]`).click();
    await page.waitForURL(`**/artifacts/${p.bam}`);
    await page.goBack();
    await page.waitForURL(`**/runs/${p.count}`);
    await page.getByTestId("run-status").waitFor();
    await page.close();
  });

  it("artifact page: storage, size, hash, versions to switch between, the run that made it, readers, lineage upstream", async () => {
    const page = await web.newPage();
    await page.goto(`${web.base}/artifacts/${p.countsV2}`);
    await page.getByTestId("record-title").waitFor();
    expect(await page.getByTestId("artifact-size").textContent()).toBe("4.8 MB");
    expect(await page.getByTestId("artifact-hash").textContent()).toContain(contentHash(`${p.counts}results/counts.parquet`));
    expect(await page.getByTestId("made-by").textContent()).toContain("count");
    expect(await page.locator("[data-testid=read-by] li").getAttribute("data-uid")).toBe(p.report);
    await drawn(page, 6);
    // Upstream of counts v2: count ← bam ← align ← raw, raw2 (count's other output is a sibling, not upstream).
    expect(await nodeUids(page)).toEqual([p.countsV2, p.count, p.bam, p.align, p.raw, p.raw2].sort());
    expect(await edgePairs(page)).toEqual(
      [`${p.raw}>${p.align}`, `${p.raw2}>${p.align}`, `${p.align}>${p.bam}`, `${p.bam}>${p.count}`, `${p.count}>${p.countsV2}`].sort(),
    );
    await page.locator("[data-testid=versions] a").click();
    await page.waitForURL(`**/artifacts/${p.counts}`);
    await poll(() => page.locator("[data-testid=versions] li:has([aria-current=page])").getAttribute("data-uid")).toBe(p.counts);
    await page.close();
  });
  it("collection page: members, and its lineage with the collection drawn as a double box", async () => {
    const page = await web.newPage();
    await page.goto(`${web.base}/collections/${p.batch}`);
    expect(await page.getByTestId("record-title").textContent()).toBe("raw/batch1");
    expect(await page.locator("[data-testid=members] li").evaluateAll((items) => items.map((item) => item.getAttribute("data-uid")))).toEqual([p.raw, p.raw2]);
    await drawn(page, 3);
    expect(await edgePairs(page)).toEqual([`${p.raw}>${p.batch}`, `${p.raw2}>${p.batch}`].sort());
    expect(await page.locator(`g.node[data-uid="${p.batch}"]`).getAttribute("data-kind")).toBe("COLLECTION");
    expect(await page.locator(`g.node[data-uid="${p.batch}"] rect`).count()).toBe(2);
    await page.close();
  });

  it("transform page: its runs and the transform-level lineage", async () => {
    const { transforms } = ok(await web.svc.gql(`{ transforms(first: 10) { edges { node { uid name } } } }`));
    const uid = Object.fromEntries(transforms.edges.map(({ node }: { node: { uid: string; name: string } }) => [node.name, node.uid]));
    const page = await web.newPage();
    await page.goto(`${web.base}/transforms/${uid.count}`);
    await poll(() => rowUids(page)).toEqual([p.count]);
    await drawn(page, 3);
    expect(await nodeUids(page)).toEqual([uid.align, uid.count, uid.report].sort());
    expect(await edgePairs(page)).toEqual([`${uid.align}>${uid.count}`, `${uid.count}>${uid.report}`].sort());
    await page.locator(`g.node[data-uid="${uid.report}"]`).click();
    await page.waitForURL(`**/transforms/${uid.report}`);
    await page.close();
  });

  it("explorer: direction and depth in the URL, double-click expands one level, truncated banner above maxNodes", async () => {
    const page = await web.newPage();
    await page.goto(`${web.base}/lineage/${p.bam}?direction=DOWNSTREAM&depth=1`);
    // Downstream of the bam, one run away: count and its two outputs.
    await drawn(page, 4);
    expect(await nodeUids(page)).toEqual([p.bam, p.count, p.counts, p.countsV2].sort());
    expect(await edgePairs(page)).toEqual([`${p.bam}>${p.count}`, `${p.count}>${p.counts}`, `${p.count}>${p.countsV2}`].sort());
    expect(await page.locator("g.node.start").getAttribute("data-uid")).toBe(p.bam);
    expect(await page.getByTestId("truncated").count()).toBe(1);
    // Runs and data are drawn differently.
    expect(await page.locator(`g.node[data-uid="${p.count}"] rect`).first().getAttribute("rx")).toBe("18");
    expect(await page.locator(`g.node[data-uid="${p.bam}"] rect`).first().getAttribute("rx")).toBe("3");
    await page.locator(`g.node[data-uid="${p.countsV2}"]`).dblclick();
    await drawn(page, 6);
    expect(await nodeUids(page)).toEqual([p.bam, p.count, p.counts, p.countsV2, p.report, p.summary].sort());
    expect(page.url()).toContain(`/lineage/${p.bam}`);
    await page.getByRole("button", { name: "Upstream" }).click();
    await drawn(page, 4);
    expect(await nodeUids(page)).toEqual([p.bam, p.align, p.raw, p.raw2].sort());
    expect(new URL(page.url()).searchParams.get("direction")).toBe("UPSTREAM");
    await page.getByRole("button", { name: "Both" }).click();
    await drawn(page, 7);
    await page.getByLabel("Depth").fill("5");
    await page.getByLabel("Depth").press("Enter");
    await drawn(page, 9);
    expect(await page.getByTestId("truncated").count()).toBe(0);
    await page.screenshot({ path: screenshotPath("lineage.png") });
    await page.getByTestId("start-link").click();
    await page.waitForURL(`**/artifacts/${p.bam}`);
    await page.goto(`${web.base}/lineage/${p.bam}?direction=BOTH&depth=5&maxNodes=3`);
    await drawn(page, 3);
    expect(await page.getByTestId("truncated").textContent()).toContain("at 3 nodes");
    await page.close();
  });

  it("explorer exports: Mermaid from the service, SVG with the nodes, PNG", async () => {
    const page = await web.newPage();
    await page.goto(`${web.base}/lineage/${p.bam}?direction=UPSTREAM`);
    await drawn(page, 4);
    const save = async (name: string) => {
      const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name, exact: true }).click()]);
      return readFileSync(await download.path());
    };
    const mermaid = (await save("Mermaid")).toString();
    expect(mermaid).toMatch(/^flowchart LR\n/);
    expect(mermaid).toContain(`a_${p.raw}["raw/sample1.fastq.gz"]`);
    const svg = (await save("SVG")).toString();
    expect(svg).toContain("<svg");
    for (const uid of [p.bam, p.align, p.raw, p.raw2]) expect(svg).toContain(`data-uid="${uid}"`);
    const png = await save("PNG");
    expect(png.subarray(1, 4).toString()).toBe("PNG");
    await page.close();
  });

  it("search jumps to a run by uid, an artifact by key, a transform by name", async () => {
    const page = await web.newPage();
    await page.goto(`${web.base}/`);
    const search = async (text: string) => {
      await page.getByRole("searchbox").fill(text);
      await page.getByRole("searchbox").press("Enter");
    };
    await search(p.report);
    await page.waitForURL(`**/runs/${p.report}`);
    await search("aligned/sample.bam");
    await page.waitForURL(`**/artifacts/${p.bam}`);
    expect(await page.getByTestId("record-title").textContent()).toBe("aligned/sample.bam");
    await search("align");
    await page.waitForURL(/\/transforms\/[A-Za-z0-9]{16}$/);
    expect(await page.getByTestId("record-title").textContent()).toBe("align");
    // Several matches: a list to pick from.
    await search("sample");
    await poll(() => page.getByRole("list", { name: "Search results" }).locator("li").count()).toBe(3);
    await page.close();
  });

  it("a STARTED run turns COMPLETED on its page and in the runs table without a reload", async () => {
    const running = await web.newPage();
    await running.goto(`${web.base}/runs/${p.report}`);
    expect(await running.getByTestId("run-status").textContent()).toBe("STARTED");
    const table = await web.newPage();
    await table.goto(`${web.base}/`);
    await poll(() => table.locator(`tr[data-uid="${p.report}"]`).getAttribute("data-status")).toBe("STARTED");
    // An output registered while it runs shows up in its lineage graph.
    await drawn(running, 8);
    const extra = ok(await web.svc.gql(REGISTER, { input: { key: "report/extra.html", hash: contentHash("extra-output"), runUid: p.report } })).registerArtifact
      .uid;
    await running.locator(`g.node[data-uid="${extra}"]`).waitFor({ timeout: 15_000 });
    ok(await web.svc.gql(FINISH, { uid: p.report }));
    await poll(() => running.getByTestId("run-status").textContent()).toBe("COMPLETED");
    expect(await running.getByTestId("run-finished").textContent()).not.toBe("—");
    await poll(() => table.locator(`tr[data-uid="${p.report}"]`).getAttribute("data-status")).toBe("COMPLETED");
    await running.close();
    await table.close();
  });

  it("draws a 1,001-node lineage graph (draw time reported)", async () => {
    const fixture = new GraphFixture(web.svc);
    const { summary, nodes, edges } = await fixture.layered(4, 111);
    expect(nodes).toBe(1001);
    const page = await web.newPage();
    const started = Date.now();
    await page.goto(`${web.base}/lineage/${summary.uid}?direction=UPSTREAM&depth=5&maxNodes=2000`);
    await page.locator('.graph-stats[data-nodes="1001"][data-draw-ms]').waitFor({ timeout: 120_000 });
    const total = Date.now() - started;
    expect(await page.locator("svg.graph g.node").count()).toBe(1001);
    expect(await page.locator("svg.graph path[data-source]").count()).toBe(edges);
    const stats = page.locator(".graph-stats");
    const drawMs = Number(await stats.getAttribute("data-draw-ms"));
    const layoutMs = Number(await stats.getAttribute("data-layout-ms"));
    process.stdout.write(
      `[web ${TEST_DB}] 1,001-node lineage graph (${edges} edges): layout ${layoutMs.toFixed(0)} ms, answer to painted drawing ${drawMs.toFixed(0)} ms, ` +
        `navigation to drawn ${total} ms (loaded 2-core machine; reported, not asserted)\n`,
    );
    await page.screenshot({ path: screenshotPath("lineage-1001-nodes.png") });
    // Still usable: the start comes into view at full size, zoom works, a node opens on Enter.
    await page.getByRole("button", { name: "Start", exact: true }).click();
    const start = page.locator(`g.node[data-uid="${summary.uid}"]`);
    const [box, view] = [await start.boundingBox(), await page.locator("svg.graph").boundingBox()];
    expect(box!.x).toBeGreaterThan(view!.x);
    expect(box!.x + box!.width).toBeLessThan(view!.x + view!.width);
    // Full size: 180 px wide, plus the start's thicker border.
    expect(box!.width).toBeGreaterThanOrEqual(180);
    expect(box!.width).toBeLessThanOrEqual(184);
    // Arrow keys pan the focused drawing.
    await page.locator("svg.graph").focus();
    await page.keyboard.press("ArrowLeft");
    await poll(async () => Math.round((await start.boundingBox())!.x - box!.x)).toBe(80);
    await page.getByRole("button", { name: "Zoom in" }).click();
    await start.focus();
    await page.keyboard.press("Enter");
    await page.waitForURL(`**/artifacts/${summary.uid}`);
    await page.close();
  });

  it("no page logged a console error or threw", () => {
    expect(web.problems).toEqual([]);
  });
});
