// List filters as Prisma where clauses, one builder per registry (typed with Prisma's where
// inputs), and the pieces they share: trash visibility, literal text matches, time ranges,
// creators and the order of a list.
import type { Provider, Tx } from "../db/database.ts";
import type { Prisma } from "../generated/sqlite/client.ts";
import { invalid } from "./errors.ts";
import { familyWhere } from "./lookups.ts";
import { paramPredicatesWhere, type ParamPredicate } from "./param-filters.ts";

export type Visibility = "DEFAULT" | "TRASH" | "ALL";
export interface TextMatch {
  equals?: string | null;
  contains?: string | null;
  startsWith?: string | null;
}
export interface TimeRange {
  gte?: Date | null;
  lt?: Date | null;
}
type Maybe<T> = T | null | undefined;

/** What a list's filter may read besides the filter: the dialect, and params (for typed param predicates). */
export interface FilterScope {
  provider: Provider;
  reader: Pick<Tx, "param" | "transform">;
}

export function visibilityWhere(visibility: Maybe<Visibility>) {
  if (visibility === "ALL") return {};
  if (visibility === "TRASH") return { trashedAt: { not: null } };
  return { trashedAt: null };
}

type TextWhere = { equals?: string; contains?: string; startsWith?: string };

/**
 * A text match. `equals` is exact; `contains` and `startsWith` find the text literally (a `%`,
 * `_` or `\` in it is no wildcard) and ignore case, Unicode letters included. Prisma binds the
 * pattern of LIKE without an ESCAPE clause: backslash is LIKE's default escape character on
 * PostgreSQL (ILIKE there), and the SQLite connections of src/db/database.ts replace SQLite's
 * `like()` with one that honours it the same way, so both databases find the same rows.
 */
export function stringWhere(match: Maybe<TextMatch>, provider: Provider): TextWhere | undefined {
  if (!match) return undefined;
  const where: TextWhere = {};
  if (match.equals != null) where.equals = match.equals;
  if (match.contains != null) where.contains = escapeLike(match.contains);
  if (match.startsWith != null) where.startsWith = escapeLike(match.startsWith);
  if (Object.keys(where).length === 0) return undefined;
  // Prisma's mode covers the whole match; equals alone stays exact. (The SQLite client's types
  // have no `mode`: SQLite's like() ignores case already.)
  if (provider === "postgresql" && (match.contains != null || match.startsWith != null)) return Object.assign(where, { mode: "insensitive" });
  return where;
}

/** Escapes LIKE's wildcards and its escape character, so that text matches itself only. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, "\\$&");
}

export function rangeWhere(range: Maybe<TimeRange>): { gte?: Date; lt?: Date } | undefined {
  if (!range) return undefined;
  const where: { gte?: Date; lt?: Date } = {};
  if (range.gte) where.gte = range.gte;
  if (range.lt) where.lt = range.lt;
  return Object.keys(where).length ? where : undefined;
}

const listWhere = <T>(values: Maybe<readonly T[]>) => (values ? { in: [...values] } : undefined);

/** Filters that compare a column with one string, each by its name. */
type Equals<Names extends string> = { [Name in Names]?: Maybe<string> };

/** The filters of a versioned record's key and place in its family. */
interface FamilyFilter extends Equals<"version"> {
  key?: Maybe<TextMatch>;
  isLatest?: Maybe<boolean>;
}

function familyFilterWhere(filter: Maybe<FamilyFilter>, provider: Provider) {
  return { key: stringWhere(filter?.key, provider), version: filter?.version ?? undefined, isLatest: filter?.isLatest ?? undefined };
}

/** The filters every record list has: its trash visibility, its creator and when it was created. */
interface RecordFilter {
  createdBy?: Maybe<string>;
  createdAt?: Maybe<TimeRange>;
  visibility?: Maybe<Visibility>;
}

function recordWhere(filter: Maybe<RecordFilter>) {
  return {
    ...visibilityWhere(filter?.visibility),
    createdBy: filter?.createdBy ? { handle: filter.createdBy } : undefined,
    createdAt: rangeWhere(filter?.createdAt),
  };
}

export interface TransformFilter extends RecordFilter, FamilyFilter {
  name?: Maybe<TextMatch>;
  type?: Maybe<readonly string[]>;
}

export function transformWhere(filter: Maybe<TransformFilter>, { provider }: FilterScope): Prisma.TransformWhereInput {
  return {
    ...recordWhere(filter),
    ...familyFilterWhere(filter, provider),
    name: stringWhere(filter?.name, provider),
    type: listWhere(filter?.type),
  };
}

export interface RunFilter extends RecordFilter, Equals<"transformUid" | "reference" | "referenceType" | "initiatedByRunUid"> {
  transformName?: Maybe<TextMatch>;
  transformType?: Maybe<readonly string[]>;
  status?: Maybe<readonly string[]>;
  startedAt?: Maybe<TimeRange>;
  finishedAt?: Maybe<TimeRange>;
  params?: Maybe<readonly ParamPredicate[]>;
}

export async function runWhere(filter: Maybe<RunFilter>, { provider, reader }: FilterScope): Promise<Prisma.RunWhereInput> {
  const transform: Prisma.TransformWhereInput = {
    // a transform uid names one version; its stem names every version of the family
    ...(filter?.transformUid ? familyWhere("transform", filter.transformUid, "filter.transformUid") : {}),
    name: stringWhere(filter?.transformName, provider),
    type: listWhere(filter?.transformType),
  };
  const params = await paramPredicatesWhere(reader, filter?.params ?? []);
  return {
    ...recordWhere(filter),
    ...(await transformIdsWhere(reader, transform)),
    status: listWhere(filter?.status),
    startedAt: rangeWhere(filter?.startedAt),
    finishedAt: rangeWhere(filter?.finishedAt),
    reference: filter?.reference ?? undefined,
    referenceType: filter?.referenceType ?? undefined,
    initiatedBy: filter?.initiatedByRunUid ? { uid: filter.initiatedByRunUid } : undefined,
    AND: params.length ? params : undefined,
  };
}

/** Beyond this many transforms, a run filter keeps its condition on the transform as a join. */
const MAX_TRANSFORM_IDS = 1_000;

/**
 * A run filter's conditions on its transform, as the transforms' ids: `transformId IN (…)` reads
 * the (transformId, id) index newest first, where a condition through the relation is planned by
 * PostgreSQL's join strategy as a walk of every run, newest first, each joined to its transform
 * (a page of one transform's runs took 0.3 s on 10^7 runs; docs/SCALE.md). One more statement,
 * for filtered lists only.
 */
async function transformIdsWhere(reader: FilterScope["reader"], transform: Prisma.TransformWhereInput): Promise<Prisma.RunWhereInput> {
  if (!Object.values(transform).some((value) => value !== undefined)) return {};
  const ids = await reader.transform.findMany({ where: transform, select: { id: true }, take: MAX_TRANSFORM_IDS + 1 });
  return ids.length > MAX_TRANSFORM_IDS ? { transform } : { transformId: { in: ids.map((row) => row.id) } };
}

export interface ArtifactFilter extends RecordFilter, FamilyFilter, Equals<"suffix" | "otype" | "hash" | "storageRoot" | "runUid" | "transformUid"> {
  description?: Maybe<TextMatch>;
  type?: Maybe<readonly string[]>;
}

export function artifactWhere(filter: Maybe<ArtifactFilter>, { provider }: FilterScope): Prisma.ArtifactWhereInput {
  const run: Prisma.RunWhereInput = {
    uid: filter?.runUid ?? undefined,
    transform: filter?.transformUid ? familyWhere("transform", filter.transformUid, "filter.transformUid") : undefined,
  };
  return {
    ...recordWhere(filter),
    ...familyFilterWhere(filter, provider),
    description: stringWhere(filter?.description, provider),
    suffix: filter?.suffix ?? undefined,
    type: listWhere(filter?.type),
    otype: filter?.otype ?? undefined,
    hash: filter?.hash ?? undefined,
    storage: filter?.storageRoot ? { root: filter.storageRoot } : undefined,
    // an empty run filter would ask for "has a producing run": only a set one is passed on
    run: run.uid !== undefined || run.transform !== undefined ? run : undefined,
  };
}

export interface CollectionFilter extends RecordFilter, FamilyFilter, Equals<"runUid"> {}

export function collectionWhere(filter: Maybe<CollectionFilter>, { provider }: FilterScope): Prisma.CollectionWhereInput {
  return {
    ...recordWhere(filter),
    ...familyFilterWhere(filter, provider),
    run: filter?.runUid ? { uid: filter.runUid } : undefined,
  };
}

export interface UserFilter {
  handle?: Maybe<TextMatch>;
  name?: Maybe<TextMatch>;
  createdAt?: Maybe<TimeRange>;
}

export function userWhere(filter: Maybe<UserFilter>, { provider }: Pick<FilterScope, "provider">): Prisma.UserWhereInput {
  return { handle: stringWhere(filter?.handle, provider), name: stringWhere(filter?.name, provider), createdAt: rangeWhere(filter?.createdAt) };
}

export interface ParamFilter {
  name?: Maybe<TextMatch>;
  dtype?: Maybe<readonly string[]>;
}

export function paramWhere(filter: Maybe<ParamFilter>, { provider }: Pick<FilterScope, "provider">): Prisma.ParamWhereInput {
  return { name: stringWhere(filter?.name, provider), dtype: listWhere(filter?.dtype) };
}

type SortOrder = "asc" | "desc";

/** Builds the orderBy of a list; the id breaks ties so that cursors are stable. */
export function orderByOf<F extends string, C extends string>(
  columns: Record<F, C>,
  order: Maybe<{ field: F; direction?: Maybe<"ASC" | "DESC"> }>,
  fallback: F,
): { [K in C | "id"]?: SortOrder }[] {
  const field = order?.field ?? fallback;
  const direction: SortOrder = (order?.direction ?? "DESC") === "ASC" ? "asc" : "desc";
  const column: C | undefined = columns[field];
  if (!column) throw invalid("orderBy.field", `cannot order by ${field}`);
  const byColumn: { [K in C | "id"]?: SortOrder } = {};
  byColumn[column] = direction;
  return column === "id" ? [byColumn] : [byColumn, { id: direction }];
}
