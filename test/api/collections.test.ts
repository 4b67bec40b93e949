// Collections: ordered members, inputs of the run that builds them, idempotent by members,
// versions by key, and members protected from permanent deletion.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectError, ok, registerArtifact, startTestService, trackRun, type TestService } from "../harness.ts";

let svc: TestService;
beforeAll(async () => {
  svc = await startTestService();
});
afterAll(async () => svc?.stop());

const track = (name: string, extra?: Record<string, unknown>) => trackRun(svc, name, extra);
const register = (seed: string, extra?: Record<string, unknown>) => registerArtifact(svc, seed, extra);

describe("collections", () => {
  it("keeps members in order, makes them inputs of the building run (not its own outputs), and is idempotent", async () => {
    const a = await register("col-a");
    const b = await register("col-b");
    const run = await track("bundler");
    const own = await register("col-own", { runUid: run });
    const create = `mutation($input: CreateCollectionInput!) { createCollection(input: $input) { uid key version isLatest artifacts { uid } run { uid inputArtifacts { uid } outputCollections { uid } } } }`;
    const collection = ok(await svc.gql(create, { input: { key: "atlas", artifactUids: [b, a, own], runUid: run } })).createCollection;
    expect(collection.uid).toMatch(/^[0-9A-Za-z]{16}0000$/);
    expect(collection.artifacts.map((x: any) => x.uid)).toEqual([b, a, own]);
    expect(collection.run.inputArtifacts.map((x: any) => x.uid).sort()).toEqual([a, b].sort());
    expect(collection.run.outputCollections).toEqual([{ uid: collection.uid }]);
    const again = ok(await svc.gql(create, { input: { key: "atlas", artifactUids: [b, a, own] } })).createCollection;
    expect(again.uid).toBe(collection.uid);
    const next = ok(await svc.gql(create, { input: { key: "atlas", artifactUids: [a, b], version: "2" } })).createCollection;
    expect(next.uid.slice(0, 16)).toBe(collection.uid.slice(0, 16));
    expect(next.isLatest).toBe(true);
    const consumer = await track("reader", { inputCollectionUids: [collection.uid.slice(0, 16)] });
    const seen = ok(await svc.gql(`query($u: String!) { run(uid: $u) { inputCollections { uid } } }`, { u: consumer })).run;
    expect(seen.inputCollections).toEqual([{ uid: next.uid }]);
    expectError(await svc.gql(create, { input: { key: "empty", artifactUids: [] } }), "VALIDATION_FAILED");
    expectError(await svc.gql(create, { input: { key: "dup", artifactUids: [a, a] } }), "VALIDATION_FAILED");
    expectError(await svc.gql(`mutation($a: String!) { deleteArtifact(uid: $a, permanent: true) { uid } }`, { a }), "CONFLICT");
  });
});
