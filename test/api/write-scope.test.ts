// Scopes on mutation results: a write-only token sees in a mutation's answer the records that
// mutation wrote and nothing else. Every mutation of the schema is called with one; the walk
// over its payload is generated from the schema, so a relation added later is covered too.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createToken, createUser } from "../../src/auth/accounts.ts";
import { contentHash, expectError, ok, startTestService, type GqlResult, type TestService } from "../harness.ts";

interface TypeRef {
  kind: string;
  name: string | null;
  ofType: TypeRef | null;
}
interface FieldInfo {
  name: string;
  description: string | null;
  args: { name: string; type: TypeRef; defaultValue: string | null }[];
  type: TypeRef;
}
interface TypeInfo {
  name: string;
  kind: string;
  fields: FieldInfo[] | null;
}

const TYPE_REF = `kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } }`;
const INTROSPECTION = `{ __schema {
  mutationType { name }
  types { name kind fields { name description args { name defaultValue type { ${TYPE_REF} } } type { ${TYPE_REF} } } }
} }`;

function named(ref: TypeRef): { name: string; list: boolean } {
  let list = false;
  let current: TypeRef | null = ref;
  while (current && !current.name) {
    if (current.kind === "LIST") list = true;
    current = current.ofType;
  }
  return { name: current!.name!, list };
}

function printType(ref: TypeRef): string {
  if (ref.kind === "NON_NULL") return `${printType(ref.ofType!)}!`;
  if (ref.kind === "LIST") return `[${printType(ref.ofType!)}]`;
  return ref.name!;
}

/** One way to call a mutation: the variables of a fresh call, and where its written records sit. */
const FIXTURE_KEYS = ["fixture/input.txt", "fixture/report.html", "fixture/env.txt", "fixture/meta.json", "fixture/cohort"];

interface MutationCase {
  mutation: string;
  label: string;
  /** Variables for one call; called before every request, so each request writes afresh. */
  prepare: () => Promise<Record<string, unknown>>;
  /** Paths inside the payload to the records the mutation wrote; [] is the payload itself. */
  roots?: string[][];
  /** Fixture strings that belong to the written record itself, so may appear in the answer. */
  own?: () => string[];
}

describe("scopes on mutation results", () => {
  let svc: TestService;
  const tokens: Record<string, string> = {};
  const as = (name: string) => ({ authorization: `Bearer ${tokens[name]}` });
  let types: Map<string, TypeInfo>;
  let mutationFields: FieldInfo[];
  let counter = 0;
  const next = () => `${Date.now().toString(36)}-${++counter}`;

  // Records of another user (and the instance's own) that no walk may reveal.
  const fixture = {} as {
    transformUid: string;
    runUid: string;
    inputUid: string;
    reportUid: string;
    environmentUid: string;
    metaUid: string;
    collectionUid: string;
    storageRoot: string;
    aliceRunUid: string;
    aliceTransformUid: string;
  };
  const foreignStrings = () => [...Object.values(fixture), "bob", "alice", "base-pipeline", ...FIXTURE_KEYS, "fixture/member-"];

  const gql = (name: string, query: string, variables: Record<string, unknown> = {}) => svc.gql(query, variables, as(name));

  async function register(token: string, key: string, extra: Record<string, unknown> = {}): Promise<string> {
    const input = { key, hash: contentHash(`${key}-${next()}`), ...extra };
    return ok(await gql(token, `mutation($input: RegisterArtifactInput!) { registerArtifact(input: $input) { uid } }`, { input })).registerArtifact.uid;
  }

  async function track(token: string, name: string, extra: Record<string, unknown> = {}): Promise<{ uid: string; transform: { uid: string } }> {
    const input = { transform: { name }, ...extra };
    return ok(await gql(token, `mutation($input: TrackInput!) { track(input: $input) { uid transform { uid } } }`, { input })).track;
  }

  beforeAll(async () => {
    svc = await startTestService({ auth: "token" });
    await createUser(svc.db, { handle: "alice", name: "Alice" });
    await createUser(svc.db, { handle: "bob", name: "Bob" });
    for (const [name, user, scopes] of [
      ["write", "alice", "write"],
      ["readWrite", "alice", "read,write"],
      ["bob", "bob", "read,write"],
    ] as const) {
      tokens[name] = (await createToken(svc.db, { userHandle: user, scopes })).secret;
    }

    const introspection = ok(await gql("readWrite", INTROSPECTION)).__schema;
    types = new Map((introspection.types as TypeInfo[]).map((type) => [type.name, type]));
    mutationFields = types.get(introspection.mutationType.name)!.fields!;

    // bob's pipeline: a run with params, inputs, outputs, a collection and a storage of its own
    const base = await track("bob", "base-pipeline", { params: { genome: "GRCh38" }, defineMissingParams: true });
    fixture.transformUid = base.transform.uid;
    fixture.runUid = base.uid;
    fixture.storageRoot = `s3://bob-bucket-${next()}`;
    fixture.inputUid = await register("bob", "fixture/input.txt", { runUid: base.uid, storageRoot: fixture.storageRoot });
    fixture.reportUid = await register("bob", "fixture/report.html", { runUid: base.uid });
    fixture.environmentUid = await register("bob", "fixture/env.txt", { runUid: base.uid });
    fixture.metaUid = await register("bob", "fixture/meta.json", { runUid: base.uid });
    const addInputs = `mutation($uid: String!, $a: [String!]) { addRunInputs(input: { runUid: $uid, artifactUids: $a }) { uid } }`;
    ok(await gql("bob", addInputs, { uid: base.uid, a: [fixture.metaUid] }));
    fixture.collectionUid = ok(
      await gql("bob", `mutation($input: CreateCollectionInput!) { createCollection(input: $input) { uid } }`, {
        input: { key: "fixture/cohort", artifactUids: [fixture.inputUid], runUid: base.uid },
      }),
    ).createCollection.uid;
    // alice's own run and transform (records she may change, but that a later mutation did not write)
    const alices = await track("readWrite", `tool-${next()}`);
    fixture.aliceRunUid = alices.uid;
    fixture.aliceTransformUid = alices.transform.uid;
    const addPredecessors = `mutation($uid: String!, $p: [String!]!) { addTransformPredecessors(input: { uid: $uid, predecessorUids: $p }) { uid } }`;
    ok(await gql("readWrite", addPredecessors, { uid: alices.transform.uid, p: [fixture.transformUid] }));
    await track("readWrite", "downstream-tool", { initiatedByRunUid: alices.uid, inputArtifactUids: [fixture.inputUid] });
  });
  afterAll(async () => svc?.stop());

  // The ways a write-only workflow tool calls each mutation; records a mutation refers to but
  // does not write (the transform, inputs, report, run, storage, creator) exist beforehand.
  const restorable: Record<string, Promise<string>> = {};
  const cases: MutationCase[] = [
    {
      mutation: "track",
      label: "an existing transform",
      prepare: async () => ({
        input: {
          transform: { name: "base-pipeline" },
          params: { genome: "GRCh38" },
          inputArtifactUids: [fixture.inputUid],
          inputCollectionUids: [fixture.collectionUid],
          initiatedByRunUid: fixture.runUid,
          reference: `ref-${next()}`,
        },
      }),
    },
    {
      mutation: "finishRun",
      label: "with report and environment",
      prepare: async () => ({
        input: { uid: (await track("readWrite", "base-pipeline")).uid, report: fixture.reportUid, environment: fixture.environmentUid },
      }),
    },
    {
      mutation: "recordRuns",
      label: "an existing transform and input, a new output",
      prepare: async () => ({
        input: [
          {
            transform: { name: "base-pipeline" },
            startedAt: "2024-01-01T00:00:00Z",
            finishedAt: "2024-01-01T00:01:00Z",
            params: [{ name: "genome", value: "GRCh38" }],
            inputs: [{ uid: fixture.inputUid }],
            outputs: [{ hash: contentHash(`scope-${next()}`), key: `mine/recorded-${next()}.txt` }],
            reference: `ref-${next()}`,
          },
        ],
      }),
    },
    {
      mutation: "addRunInputs",
      label: "existing inputs",
      prepare: async () => ({ input: { runUid: fixture.aliceRunUid, artifactUids: [fixture.inputUid], collectionUids: [fixture.collectionUid] } }),
      own: () => [fixture.aliceRunUid],
    },
    {
      mutation: "registerArtifact",
      label: "new content of another user's run",
      prepare: async () => ({ input: { key: `mine/out-${next()}.txt`, hash: contentHash(`out-${next()}`), runUid: fixture.runUid } }),
    },
    {
      mutation: "registerArtifact",
      label: "known content: the existing record",
      prepare: async () => ({ input: { hash: (await svc.db.prisma.artifact.findUniqueOrThrow({ where: { uid: fixture.inputUid } })).hash! } }),
      own: () => [fixture.inputUid, "fixture/input.txt"],
    },
    {
      mutation: "createCollection",
      label: "members, meta artifact and run of another user",
      prepare: async () => ({
        input: {
          key: `mine/cohort-${next()}`,
          artifactUids: [fixture.inputUid, await register("bob", `fixture/member-${next()}`)],
          metaArtifactUid: fixture.metaUid,
          runUid: fixture.runUid,
        },
      }),
    },
    {
      mutation: "defineParam",
      label: "a new param",
      prepare: async () => ({ input: { name: `p_${next().replace(/-/g, "_")}`, dtype: "int" } }),
    },
    {
      mutation: "addParamValues",
      label: "on a run",
      prepare: async () => ({ input: { runUid: fixture.aliceRunUid, values: { genome: "GRCh38" } } }),
      roots: [["run"]],
      own: () => [fixture.aliceRunUid],
    },
    {
      mutation: "addParamValues",
      label: "on another user's artifact",
      prepare: async () => ({ input: { artifactUid: fixture.inputUid, values: { genome: "GRCh38" } } }),
      roots: [["artifact"]],
      own: () => [fixture.inputUid, "fixture/input.txt"],
    },
    {
      mutation: "addTransformPredecessors",
      label: "an existing predecessor",
      prepare: async () => ({ input: { uid: fixture.aliceTransformUid, predecessorUids: [fixture.transformUid] } }),
      own: () => [fixture.aliceTransformUid],
    },
    {
      mutation: "ingestOpenLineage",
      label: "a run of a new job",
      prepare: async () => ({
        events: [{ eventType: "COMPLETE", eventTime: "2024-01-01T00:00:00Z", run: { runId: `ol-${next()}` }, job: { namespace: "scope", name: "job" } }],
      }),
    },
    ...(["Run", "Artifact", "Collection", "Transform"] as const).flatMap((kind): MutationCase[] => {
      const create = async () => {
        if (kind === "Run") return (await track("readWrite", "base-pipeline")).uid;
        if (kind === "Transform") return (await track("readWrite", `tool-${next()}`)).transform.uid;
        if (kind === "Artifact") return register("readWrite", `mine/trash-${next()}`);
        const input = { key: `mine/trash-${next()}`, artifactUids: [await register("readWrite", `mine/m-${next()}`)] };
        const created = await gql("readWrite", `mutation($input: CreateCollectionInput!) { createCollection(input: $input) { uid } }`, { input });
        return ok(created).createCollection.uid;
      };
      return [
        { mutation: `delete${kind}`, label: "soft", prepare: async () => ({ uid: await create() }) },
        {
          mutation: `restore${kind}`,
          label: "one's own record",
          // one record in the trash; restoring it again answers the same record
          prepare: async () => {
            restorable[kind] ??= (async () => {
              const uid = await create();
              ok(await gql("readWrite", `mutation($uid: String!) { delete${kind}(uid: $uid) { uid } }`, { uid }));
              return uid;
            })();
            return { uid: await restorable[kind] };
          },
        },
      ];
    }),
  ];

  const isLeaf = (typeName: string) => ["SCALAR", "ENUM"].includes(types.get(typeName)!.kind);
  const callable = (field: FieldInfo) => field.args.every((arg) => arg.type.kind !== "NON_NULL" || arg.defaultValue != null);

  /** Leaf fields of a type, and one level further for object fields: enough to show any data. */
  function selection(typeName: string, depth = 2): string {
    const parts = ["__typename"];
    for (const field of types.get(typeName)!.fields ?? []) {
      if (!callable(field)) continue;
      const target = named(field.type).name;
      if (isLeaf(target)) parts.push(field.name);
      else if (depth > 1) parts.push(`${field.name} { ${selection(target, depth - 1)} }`);
    }
    return parts.join(" ");
  }

  function typeAt(typeName: string, path: string[]): string {
    let current = typeName;
    for (const step of path) current = named(types.get(current)!.fields!.find((field) => field.name === step)!.type).name;
    return current;
  }

  function operation(mutation: string, body: string): string {
    const field = mutationFields.find((candidate) => candidate.name === mutation)!;
    const defs = field.args.map((arg) => `$${arg.name}: ${printType(arg.type)}`).join(", ");
    const args = field.args.map((arg) => `${arg.name}: $${arg.name}`).join(", ");
    return `mutation(${defs}) { ${mutation}(${args}) { ${body} } }`;
  }

  const nest = (path: string[], body: string) => path.reduceRight((inner, step) => `${step} { ${inner} }`, body);

  function valueAt(data: unknown, path: (string | number)[]): unknown {
    let current = data;
    for (const step of path) {
      if (current == null) return null;
      // A list payload (recordRuns) is walked through its first record.
      if (Array.isArray(current) && typeof step === "string") current = current[0];
      current = (current as Record<string | number, unknown>)[step];
    }
    return current;
  }

  /** The relation fields a case walks: each one's path inside the payload and its type. */
  function walksOf(testCase: MutationCase) {
    const payloadType = named(mutationFields.find((field) => field.name === testCase.mutation)!.type).name;
    const roots = testCase.roots ?? [[]];
    const walks: { path: string[]; type: string; list: boolean }[] = [];
    const add = (base: string[], typeName: string, skip: Set<string>) => {
      for (const field of types.get(typeName)!.fields ?? []) {
        const target = named(field.type);
        if (isLeaf(target.name) || skip.has(field.name) || !callable(field)) continue;
        walks.push({ path: [...base, field.name], type: target.name, list: target.list });
      }
    };
    add([], payloadType, new Set(roots.map((root) => root[0]).filter(Boolean)));
    for (const root of roots.filter((path) => path.length)) add(root, typeAt(payloadType, root), new Set());
    return { payloadType, roots, walks };
  }

  function expectNothingForeign(result: GqlResult<unknown>, testCase: MutationCase, what: string) {
    const own = new Set(testCase.own?.() ?? []);
    const text = JSON.stringify(result.data ?? null);
    for (const foreign of foreignStrings().filter((value) => !own.has(value))) {
      expect(text.includes(foreign), `${what}: ${foreign} leaked in ${text}`).toBe(false);
    }
  }

  it("covers every mutation a write token may call", () => {
    const nonAdmin = mutationFields.filter((field) => !field.description?.startsWith("admin:")).map((field) => field.name);
    expect(new Set(cases.map((testCase) => testCase.mutation))).toEqual(new Set(nonAdmin));
    // admin-only mutations stay refused to write tokens, before anything runs
    for (const field of mutationFields.filter((candidate) => candidate.description?.startsWith("admin:"))) {
      expect(nonAdmin).not.toContain(field.name);
    }
  });

  for (const testCase of cases) {
    it(`${testCase.mutation} (${testCase.label}): its own fields answer, every relation is refused without read`, async () => {
      const { payloadType, roots, walks } = walksOf(testCase);
      const ownBody = [
        selection(payloadType, 1),
        ...roots.filter((root) => root.length).map((root) => nest(root, selection(typeAt(payloadType, root), 1))),
      ].join(" ");
      const own = ok(await gql("write", operation(testCase.mutation, ownBody), await testCase.prepare()));
      expect(own[testCase.mutation], "own fields").not.toBeNull();
      for (const root of roots) expect(valueAt(own[testCase.mutation], root), `record at ${root.join(".")}`).not.toBeNull();
      expectNothingForeign({ data: own }, testCase, "own fields");

      for (const walk of walks) {
        const query = operation(testCase.mutation, nest(walk.path, selection(walk.type)));
        const what = `${testCase.mutation}.${walk.path.join(".")}`;
        // with read: whether the relation has a value (the query's shape is the same)
        const withRead = ok(await gql("readWrite", operation(testCase.mutation, nest(walk.path, "__typename")), await testCase.prepare()));
        const readValue = valueAt(withRead, [testCase.mutation, ...walk.path]);
        const refused = await gql("write", query, await testCase.prepare());
        expectNothingForeign(refused, testCase, what);
        expect(valueAt(refused.data, [testCase.mutation, ...walk.path]), what).toBeNull();
        // A to-one relation that is empty is a column of the written record: null, no error.
        // Everything else (a record, a list, a connection, a lineage graph) needs read.
        if (readValue === null && !walk.list && !walk.type.endsWith("Connection") && !walk.type.includes("Lineage")) {
          expect(refused.errors, what).toBeUndefined();
          continue;
        }
        const error = expectError(refused, "FORBIDDEN");
        expect(
          error.path?.filter((step) => typeof step === "string"),
          what,
        ).toEqual([testCase.mutation, ...walk.path]);
        expect(error.message, what).toMatch(/needs the read scope/);
        expect(refused.errors, what).toHaveLength(1);
      }
    });
  }

  it("the reported reads through registerArtifact and track are refused", async () => {
    const listing = `mutation($input: RegisterArtifactInput!) {
      registerArtifact(input: $input) { uid storage { artifacts(first: 100) { edges { node { key hash run { params } } } } } } }`;
    const refused = await gql("write", listing, { input: { key: "mine/x.txt", hash: contentHash(`x-${next()}`) } });
    expect(expectError(refused, "FORBIDDEN").path).toEqual(["registerArtifact", "storage"]);
    expect(JSON.stringify(refused.data ?? null)).not.toContain("fixture/");

    const runs = `mutation { track(input: { transform: { name: "base-pipeline" } }) { uid transform { runs { edges { node { uid params } } } } } }`;
    const refusedRuns = await gql("write", runs);
    expect(expectError(refusedRuns, "FORBIDDEN").path).toEqual(["track", "transform"]);
    expect(JSON.stringify(refusedRuns.data ?? null)).not.toContain(fixture.runUid);
  });

  it("records the mutation created are visible: a new transform and its latest run, a new storage", async () => {
    const name = `new-tool-${next()}`;
    const tracked = ok(
      await gql(
        "write",
        `mutation($name: String!) {
          track(input: { transform: { name: $name, version: "1" } }) { uid transform { name version latestRun { uid } } } }`,
        { name },
      ),
    ).track;
    expect(tracked.transform).toMatchObject({ name, version: "1", latestRun: { uid: tracked.uid } });
    // the created transform's other relations still need read
    for (const field of ["createdBy { handle }", "runs { totalCount }", "versions { uid }", "predecessors { uid }"]) {
      const query = `mutation($name: String!) { track(input: { transform: { name: $name } }) { transform { ${field} } } }`;
      const refused = await gql("write", query, { name: `tool-${next()}` });
      expect(expectError(refused, "FORBIDDEN").path).toEqual(["track", "transform", field.split(" ")[0]]);
    }
    // within one request, a later mutation sees what an earlier one wrote (the caller saw it already)
    const both = ok(
      await gql(
        "write",
        `mutation($name: String!) {
          first: track(input: { transform: { name: $name } }) { uid }
          again: track(input: { transform: { name: $name } }) { transform { name } } }`,
        { name: `tool-${next()}` },
      ),
    );
    expect(both.again.transform.name).toMatch(/^tool-/);

    const root = `s3://my-bucket-${next()}`;
    const registered = ok(
      await gql("write", `mutation($input: RegisterArtifactInput!) { registerArtifact(input: $input) { uid storage { root type } } }`, {
        input: { key: "a.txt", hash: contentHash(`new-storage-${next()}`), storageRoot: root },
      }),
    ).registerArtifact;
    expect(registered.storage).toEqual({ root, type: "s3" });
    // the same storage, not created by this call, is not shown again
    const again = await gql("write", `mutation($input: RegisterArtifactInput!) { registerArtifact(input: $input) { uid storage { root } } }`, {
      input: { key: "b.txt", hash: contentHash(`old-storage-${next()}`), storageRoot: root },
    });
    expect(expectError(again, "FORBIDDEN").path).toEqual(["registerArtifact", "storage"]);
  });

  it("a track's params answer a write-only caller, whether the values were stored now or before", async () => {
    const name = `p_${next().replace(/-/g, "_")}`;
    const query = `mutation($input: TrackInput!) { track(input: $input) { params } }`;
    const input = (value: number, define = false) => ({ transform: { name: "param-tool" }, params: { [name]: value }, defineMissingParams: define });
    expect(ok(await gql("write", query, { input: input(7, true) })).track.params).toEqual({ [name]: 7 });
    // the same value again is linked, not stored again; a new one is stored
    expect(ok(await gql("write", query, { input: input(7) })).track.params).toEqual({ [name]: 7 });
    expect(ok(await gql("write", query, { input: input(8) })).track.params).toEqual({ [name]: 8 });
    expect(await svc.db.prisma.paramValue.count({ where: { param: { name } } })).toBe(2);
    // the value records themselves stay behind read
    const records = await gql("write", `mutation($input: TrackInput!) { track(input: $input) { paramValues { value } } }`, { input: input(7) });
    expect(expectError(records, "FORBIDDEN").path).toEqual(["track", "paramValues"]);
  });

  it("read and write together see everything; queries still need read", async () => {
    const tracked = ok(
      await gql(
        "readWrite",
        `mutation($inputs: [String!]) { track(input: { transform: { name: "base-pipeline" }, inputArtifactUids: $inputs }) {
          createdBy { handle } transform { uid } inputArtifacts { uid } } }`,
        { inputs: [fixture.inputUid] },
      ),
    ).track;
    expect(tracked).toEqual({ createdBy: { handle: "alice" }, transform: { uid: fixture.transformUid }, inputArtifacts: [{ uid: fixture.inputUid }] });
    expectError(await gql("write", `{ run(uid: "${fixture.runUid}") { uid } }`), "FORBIDDEN");
  });
});
