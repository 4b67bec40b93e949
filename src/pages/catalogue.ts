// What the page planner can build in SQL: for each record type, the fields whose answer is a
// column, a to-one relation, an ordered list or the params object, with the tables and order
// their resolvers use (src/schema). A field not listed here sends its query down the resolvers
// (docs/architecture.md, "Pages built in the database").

/** How a column's value is written in the answer, as the scalar's serialisation writes it. */
export type ColumnType = "text" | "int" | "boolean" | "datetime" | "bigint";

export type Model = "Transform" | "Run" | "Artifact" | "Collection" | "User" | "Storage";

export type FieldSource =
  | { kind: "column"; column: string; type: ColumnType }
  /** a to-one relation through a foreign key on the record's own row */
  | { kind: "one"; model: Model; column: string }
  /** the records whose `column` points at this one, oldest first */
  | { kind: "children"; model: Model; column: string; trashable: boolean }
  /** the targets of a link table, in the link table's `order` */
  | { kind: "links"; model: Model; table: string; owner: string; target: string; order: string; trashable: boolean }
  /** name → value of the record's param values, as the `params` field answers */
  | { kind: "params"; table: string; owner: string };

const text = (column: string): FieldSource => ({ kind: "column", column, type: "text" });
const int = (column: string): FieldSource => ({ kind: "column", column, type: "int" });
const datetime = (column: string): FieldSource => ({ kind: "column", column, type: "datetime" });
const bigint = (column: string): FieldSource => ({ kind: "column", column, type: "bigint" });
const boolean = (column: string): FieldSource => ({ kind: "column", column, type: "boolean" });
const one = (model: Model, column: string): FieldSource => ({ kind: "one", model, column });

/** The columns every versioned record (transform, artifact, collection) exposes. */
const VERSIONED = {
  id: int("id"),
  uid: text("uid"),
  version: text("version"),
  isLatest: boolean("isLatest"),
  createdAt: datetime("createdAt"),
  updatedAt: datetime("updatedAt"),
  trashedAt: datetime("trashedAt"),
  createdBy: one("User", "createdById"),
};

export const CATALOGUE: Record<Model, Record<string, FieldSource>> = {
  Run: {
    id: int("id"),
    uid: text("uid"),
    transform: one("Transform", "transformId"),
    startedAt: datetime("startedAt"),
    finishedAt: datetime("finishedAt"),
    status: text("status"),
    report: one("Artifact", "reportId"),
    environment: one("Artifact", "environmentId"),
    isConsecutive: boolean("isConsecutive"),
    reference: text("reference"),
    referenceType: text("referenceType"),
    createdBy: one("User", "createdById"),
    createdAt: datetime("createdAt"),
    trashedAt: datetime("trashedAt"),
    initiatedBy: one("Run", "initiatedById"),
    inputArtifacts: { kind: "links", model: "Artifact", table: "RunInputArtifact", owner: "runId", target: "artifactId", order: "artifactId", trashable: true },
    outputArtifacts: { kind: "children", model: "Artifact", column: "runId", trashable: true },
    inputCollections: {
      kind: "links",
      model: "Collection",
      table: "RunInputCollection",
      owner: "runId",
      target: "collectionId",
      order: "collectionId",
      trashable: true,
    },
    outputCollections: { kind: "children", model: "Collection", column: "runId", trashable: true },
    params: { kind: "params", table: "RunParamValue", owner: "runId" },
  },
  Transform: {
    ...VERSIONED,
    name: text("name"),
    key: text("key"),
    description: text("description"),
    type: text("type"),
    sourceCode: text("sourceCode"),
    hash: text("hash"),
    reference: text("reference"),
    referenceType: text("referenceType"),
  },
  Artifact: {
    ...VERSIONED,
    key: text("key"),
    description: text("description"),
    storage: one("Storage", "storageId"),
    suffix: text("suffix"),
    type: text("type"),
    otype: text("otype"),
    size: bigint("size"),
    hash: text("hash"),
    hashType: text("hashType"),
    nObjects: int("nObjects"),
    nObservations: bigint("nObservations"),
    run: one("Run", "runId"),
    params: { kind: "params", table: "ArtifactParamValue", owner: "artifactId" },
  },
  Collection: {
    ...VERSIONED,
    key: text("key"),
    name: text("key"),
    description: text("description"),
    hash: text("hash"),
    reference: text("reference"),
    referenceType: text("referenceType"),
    metaArtifact: one("Artifact", "metaArtifactId"),
    run: one("Run", "runId"),
    artifacts: {
      kind: "links",
      model: "Artifact",
      table: "CollectionArtifact",
      owner: "collectionId",
      target: "artifactId",
      order: "position",
      trashable: false,
    },
  },
  User: {
    id: int("id"),
    uid: text("uid"),
    handle: text("handle"),
    name: text("name"),
    createdAt: datetime("createdAt"),
    updatedAt: datetime("updatedAt"),
  },
  Storage: {
    id: int("id"),
    uid: text("uid"),
    root: text("root"),
    type: text("type"),
    region: text("region"),
    description: text("description"),
    createdAt: datetime("createdAt"),
    createdBy: one("User", "createdById"),
  },
};

export function isModel(name: string): name is Model {
  return Object.hasOwn(CATALOGUE, name);
}
