// What the service keeps between requests stays small whatever clients send: /metrics counts
// refused requests and documents that fail validation without their operation name and caps
// the names of executed operations (LIMIT_METRICS_OPERATION_NAMES), the rest counted as
// "other"; the parse cache keeps no large documents.
import v8 from "node:v8";
import vm from "node:vm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createToken, createUser } from "../../src/auth/accounts.ts";
import { ok, startTestService, type TestService } from "../harness.ts";

const CAP = 20;

describe("metrics label cardinality", () => {
  let svc: TestService;
  let token: string;
  beforeAll(async () => {
    svc = await startTestService({ auth: "token", limits: { metricsMaxOperationNames: CAP } });
    await createUser(svc.db, { handle: "scraper" });
    token = (await createToken(svc.db, { userHandle: "scraper", scopes: "read" })).secret;
  });
  afterAll(async () => svc?.stop());

  const metrics = async () => {
    const response = await svc.yoga.fetch("http://localhost/metrics");
    expect(response.status).toBe(200);
    const text = await response.text();
    const names = new Set([...text.matchAll(/operationName="([^"]*)"/g)].map((match) => match[1]));
    return { text, names };
  };
  const post = async (query: string, headers: Record<string, string> = {}) => {
    const response = await svc.yoga.fetch("http://localhost/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/graphql-response+json", ...headers },
      body: JSON.stringify({ query }),
    });
    return { status: response.status, body: await response.json() };
  };
  const inBatches = async (count: number, send: (i: number) => Promise<void>) => {
    for (let start = 0; start < count; start += 50) await Promise.all(Array.from({ length: Math.min(50, count - start) }, (_, i) => send(start + i)));
  };

  it("counts refused requests and invalid documents without their operation name", async () => {
    const baseline = await metrics();
    await inBatches(2_000, async (i) => {
      const { status } = await post(`query Refused${i} { me { handle } }`);
      expect(status).toBe(401);
    });
    await inBatches(500, async (i) => {
      const { body } = await post(`query Invalid${i} { me { nope${i} } }`, { authorization: `Bearer ${token}` });
      expect(body.errors[0].extensions.code).toBe("GRAPHQL_VALIDATION_FAILED");
    });
    const after = await metrics();
    expect([...after.names].filter((name) => /^(Refused|Invalid)/.test(name))).toEqual([]);
    // the requests are counted all the same, by status and phase
    expect(after.text).toMatch(/graphql_yoga_http_duration_count\{[^}]*statusCode="401"[^}]*\} 2000/);
    expect(after.text).toMatch(/graphql_envelop_error_result\{[^}]*phase="context"[^}]*\} 2000/);
    expect(after.text).toMatch(/graphql_envelop_error_result\{[^}]*phase="validate"[^}]*\} 500/);
    expect(after.text.length).toBeLessThan(baseline.text.length + 20_000);
  });

  it("records the names of executed operations up to the cap, the rest as other", async () => {
    const auth = { authorization: `Bearer ${token}` };
    ok((await post(`query Dashboard { me { handle } }`, auth)).body);
    await inBatches(100, async (i) => void ok((await post(`query Early${i} { me { handle } }`, auth)).body));
    const capped = await metrics();
    await inBatches(1_500, async (i) => void ok((await post(`query Late${i} { me { handle } }`, auth)).body));
    ok((await post(`query Dashboard { me { handle } }`, auth)).body);
    const after = await metrics();

    expect(after.names.size).toBeLessThanOrEqual(CAP + 1);
    expect(after.names).toContain("Dashboard");
    expect(after.names).toContain("other");
    expect([...after.names].filter((name) => name.startsWith("Late"))).toEqual([]);
    expect(after.text).toMatch(/graphql_envelop_request\{[^}]*operationName="Dashboard"[^}]*\} 2/);
    expect(after.text).toMatch(/graphql_envelop_request\{[^}]*operationName="other"[^}]*\} 1581/);
    // 1,500 more distinct names add no series: the body grows by a few digits at most
    expect(after.text.length).toBeLessThan(capped.text.length + 2_000);
  });

  it("keeps no large parsed documents, not even of refused requests", async () => {
    v8.setFlagsFromString("--expose-gc");
    const gc = vm.runInNewContext("gc") as () => void;
    gc();
    const before = process.memoryUsage().heapUsed;
    // 100 distinct documents of 4,900 tokens each: about 2 MB apiece once parsed
    for (let i = 0; i < 100; i++) expect((await post(`query Big${i} { me { ${"handle ".repeat(4_900)} } }`)).status).toBeGreaterThanOrEqual(400);
    gc();
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(40_000_000);
  });
});
