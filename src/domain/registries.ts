// One descriptor per versioned registry (and runs): what a uid of it looks like, how a list
// filter becomes a Prisma where clause, which columns a list orders by, and how a record goes
// to the trash and comes back. src/schema/registry-fields.ts builds the GraphQL lookup, list,
// delete and restore fields of each from it (docs/architecture.md, "Registries").
import type { Prisma } from "../generated/sqlite/client.ts";
import { deleteArtifact } from "./artifacts.ts";
import { deleteCollection } from "./collections.ts";
import { artifactWhere, collectionWhere, runWhere, transformWhere, type FilterScope } from "./filters.ts";
import { deleteRun, restoreRun } from "./runs.ts";
import { deleteTransform } from "./transforms.ts";
import { STEM_LENGTH, UID_LENGTH, type VersionedRegistry } from "./uid.ts";
import { restoreVersioned } from "./versions.ts";
import type { Change, WriteContext } from "./write-context.ts";

export interface Registry<Name extends string, Model extends string, Filter, Where, OrderField extends string, Column extends string> {
  /** the Prisma delegate and the registry's name in messages */
  name: Name;
  /** the Prisma model, and the GraphQL type */
  model: Model;
  uidLength: number;
  /** the length of a family stem: a stem-length uid names the latest version (none for runs) */
  stemLength: number | null;
  /** the list filter as a Prisma where clause */
  where(filter: Filter | null | undefined, scope: FilterScope): Where | Promise<Where>;
  /** the orderBy fields of a list and the columns they sort by (the id breaks ties) */
  orderColumns: Record<OrderField, Column>;
  /** moves a record to the trash, or removes it for good (admin only; refused while something needs it) */
  remove(w: WriteContext, uid: string, permanent: boolean): Promise<{ id: number; uid: string }>;
  /** takes a record out of the trash (its creator or an admin) */
  restore(w: WriteContext, uid: string): Promise<{ id: number; uid: string }>;
}

type Columns<OrderBy> = Extract<keyof OrderBy, string>;

/** The columns each registry's lists may order by. */
interface OrderColumns {
  transform: Columns<Prisma.TransformOrderByWithRelationInput>;
  run: Columns<Prisma.RunOrderByWithRelationInput>;
  artifact: Columns<Prisma.ArtifactOrderByWithRelationInput>;
  collection: Columns<Prisma.CollectionOrderByWithRelationInput>;
}

/** A registry as this module describes it: its name and model, its filter's where clause, columns of its own. */
type Described<Name extends keyof OrderColumns, Model extends string> = Registry<Name, Model, never, unknown, string, OrderColumns[Name]>;

/** A versioned registry: uids of its stem length name the latest version; restoring recomputes the family's latest. */
function versioned<Name extends VersionedRegistry, Model extends string, Rules extends Pick<Described<Name, Model>, "where" | "orderColumns" | "remove">>(
  name: Name,
  model: Model,
  rules: Rules,
) {
  return {
    name,
    model,
    uidLength: UID_LENGTH[name],
    stemLength: STEM_LENGTH[name],
    ...rules,
    restore: (w: WriteContext, uid: string) => restoreVersioned(w, name, uid),
  };
}

/** A registry's moves to the trash and back, each answering the record it moved. */
interface Movable<Record> {
  remove(w: WriteContext, uid: string, permanent: boolean): Promise<Record>;
  restore(w: WriteContext, uid: string): Promise<Record>;
}

/**
 * A registry whose moves to the trash and back its subscribers hear (docs/architecture.md, "Live
 * updates"): `changeOf` names the change a record's move makes.
 */
function announced<Record extends { id: number; uid: string }, R>(
  registry: R & Movable<Record>,
  changeOf: (kind: "TRASHED" | "RESTORED", record: Record) => Change,
): R {
  return {
    ...registry,
    remove: async (w: WriteContext, uid: string, permanent: boolean) => {
      const record = await registry.remove(w, uid, permanent);
      if (!permanent) w.changed(changeOf("TRASHED", record));
      return record;
    },
    restore: async (w: WriteContext, uid: string) => {
      const record = await registry.restore(w, uid);
      w.changed(changeOf("RESTORED", record));
      return record;
    },
  };
}

export const transforms = versioned("transform", "Transform", {
  where: transformWhere,
  orderColumns: { CREATED_AT: "createdAt", UPDATED_AT: "updatedAt", NAME: "name", KEY: "key", ID: "id" },
  remove: deleteTransform,
});

export const runs = announced(
  {
    name: "run",
    model: "Run",
    uidLength: UID_LENGTH.run,
    stemLength: null,
    where: runWhere,
    orderColumns: { STARTED_AT: "startedAt", FINISHED_AT: "finishedAt", CREATED_AT: "createdAt", ID: "id" },
    remove: deleteRun,
    restore: restoreRun,
  } as const satisfies Described<"run", "Run">,
  (kind, run) => ({ model: "Run", kind, uid: run.uid, status: run.status }),
);

export const artifacts = announced(
  versioned("artifact", "Artifact", {
    where: artifactWhere,
    orderColumns: { CREATED_AT: "createdAt", UPDATED_AT: "updatedAt", KEY: "key", SIZE: "size", ID: "id" },
    remove: deleteArtifact,
  }),
  (kind, artifact) => ({ model: "Artifact", kind, uid: artifact.uid }),
);

export const collections = versioned("collection", "Collection", {
  where: collectionWhere,
  orderColumns: { CREATED_AT: "createdAt", UPDATED_AT: "updatedAt", KEY: "key", ID: "id" },
  remove: deleteCollection,
});

export type AnyRegistry = typeof transforms | typeof runs | typeof artifacts | typeof collections;
