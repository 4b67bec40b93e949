// The fields every registry has, built from its descriptor (src/domain/registries.ts): the
// lookup by uid (a stem: the latest version), the list with filter and order, and the delete
// and restore mutations; and the mutations that take one `input`, each with its input type.
// Each type module adds only what is particular to its type.
import type { InputFieldMap, InputObjectRef, InputShapeFromFields } from "@pothos/core";
import { prismaConnectionHelpers } from "@pothos/plugin-prisma";
import { builder } from "../builder.ts";
import type { Context } from "../context.ts";
import { invalid } from "../domain/errors.ts";
import { lookupWhere } from "../domain/lookups.ts";
import { orderByOf, type FilterScope } from "../domain/filters.ts";
import type { AnyRegistry } from "../domain/registries.ts";
import { pageIdsStatement, type PageQuery } from "../pages/ids.ts";
import { plannedLists, type ListArgs, type PlannedList } from "../pages/lists.ts";
import { writeAnnounced, writeContext, type WriteContext } from "../domain/write-context.ts";
import { DeletePayload } from "./Deletion.ts";
import { readerOf, withArticle, type Delegate, type InputFieldBuilder, type Model, type Shape, type Types } from "./records.ts";
import { markWritten, writeRecord } from "./visibility.ts";
import { DateTimeRange, orderInput, StringMatch, Visibility } from "./filters.ts";

/** The per-request cap of a list's page (LIMIT_MAX_PAGE_SIZE): every connection takes it. */
export const pageSize = { maxSize: (_args: unknown, ctx: Context) => ctx.limits.maxPageSize };

/** A list filter as GraphQL hands it over; each registry's `where` reads its own fields. */
type FilterInput = Record<string, unknown>;

/** The filter of a list, from the connection's own arguments, which Pothos keeps on the connection it builds. */
function connectionFilter(connection: object): FilterInput | null | undefined {
  const args: unknown = "args" in connection ? connection.args : undefined;
  if (!args || typeof args !== "object" || !("filter" in args)) return undefined;
  const filter: unknown = args.filter;
  return filter && typeof filter === "object" ? { ...filter } : null;
}

export interface RegistryFieldsOptions {
  /** the fields of the list's filter particular to the registry (creator, creation time and trash visibility are added) */
  filter: (t: InputFieldBuilder) => InputFieldMap;
  /** the delete mutation's description (what a permanent delete refuses) */
  remove?: string;
}

/** A registry, seen through the one signature its list filter is called with. */
type Filtered = AnyRegistry & { where(filter: FilterInput | null | undefined, scope: FilterScope): object | Promise<object> };

/** The filter fields of a versioned registry: its key, a version tag, latest versions only. */
function familyFilter(registry: AnyRegistry, t: InputFieldBuilder): InputFieldMap {
  if (registry.stemLength == null) return {};
  return {
    key: t.field({ type: StringMatch, required: false }),
    version: t.string({ required: false }),
    isLatest: t.boolean({ required: false }),
  };
}

/** What a versioned registry's lookup takes: a stem names the latest version. */
function lookupDescription({ name, stemLength }: AnyRegistry): string | undefined {
  if (stemLength == null) return undefined;
  return `${withArticle(name)} by uid; a ${stemLength}-character stem returns the latest version`;
}

/**
 * Adds `<name>(uid, includeTrashed)`, `<name>s(filter, orderBy, first, after…)`,
 * `delete<Model>(uid, permanent)` and `restore<Model>(uid)` for a registry.
 */
export function defineRegistryFields(registry: Filtered, options: RegistryFieldsOptions) {
  const model: Model = registry.model;
  const Filter = builder.inputType(`${model}Filter`, {
    fields: (t): InputFieldMap => ({
      createdBy: t.string({ required: false, description: "handle of the creating user" }),
      createdAt: t.field({ type: DateTimeRange, required: false }),
      visibility: t.field({ type: Visibility, required: false, defaultValue: "DEFAULT" }),
      ...familyFilter(registry, t),
      ...options.filter(t),
    }),
  });
  builder.queryFields((t) => ({
    [registry.name]: t.prismaField({
      type: model,
      nullable: true,
      description: lookupDescription(registry),
      args: { uid: t.arg.string({ required: true }), includeTrashed: t.arg.boolean({ defaultValue: false }) },
      resolve: (query, _root, args, ctx) =>
        readerOf(ctx.db.reader, registry).findFirst({ ...query, where: lookupWhere(registry.name, args.uid, args.includeTrashed) }),
    }),
    [`${registry.name}s`]: listConnection(t, { ...registry, defaultOrder: "ID" }, Filter),
  }));
  builder.mutationFields((t) => ({
    [`delete${model}`]: t.field({
      type: DeletePayload,
      description: options.remove,
      args: { uid: t.arg.string({ required: true }), permanent: t.arg.boolean({ defaultValue: false }) },
      resolve: async (_root, args, ctx) => {
        const permanent = args.permanent ?? false;
        const record = await writeAnnounced<{ uid: string }>(ctx.db, (tx, changes) =>
          registry.remove(writeContext(ctx.db, tx, ctx.user, tx, changes), args.uid, permanent),
        );
        return { uid: record.uid, permanent };
      },
    }),
    [`restore${model}`]: recordMutation(t, registry, { args: { uid: t.arg.string({ required: true }) }, write: (w, args) => registry.restore(w, args.uid) }),
  }));
}

type QueryFieldBuilder = Parameters<Parameters<typeof builder.queryFields>[0]>[0];

/** What a list needs: its delegate and model, its filter's where clause, the columns it orders by and the default one. */
interface ListSpec {
  name: Delegate;
  model: Model;
  orderColumns: Record<string, string>;
  defaultOrder: string;
  where(filter: FilterInput | null | undefined, scope: FilterScope): object | Promise<object>;
}

/** The largest `max` of totalCountCapped: the count reads at most this many rows plus one. */
export const MAX_COUNT_CAP = 100_000;

/** A count that stops at a cap: cheap on large tables, where an exact totalCount reads every match (docs/SCALE.md). */
const CappedCount = builder.objectRef<{ count: number; more: boolean }>("CappedCount").implement({
  description: "a count that stops at a cap: `count` is exact when `more` is false, otherwise the cap",
  fields: (t) => ({
    count: t.exposeInt("count", { description: "the number of matches, at most the cap" }),
    more: t.exposeBoolean("more", { description: "true when more records match than the cap" }),
  }),
});

/** A list as a Relay connection: `<Model>OrderBy`, the filter given, the per-request page cap, totalCount and totalCountCapped. */
export function listConnection(t: QueryFieldBuilder, list: ListSpec, filter: InputObjectRef<Types, FilterInput>) {
  const OrderBy = orderInput(`${list.model}OrderBy`, Object.keys(list.orderColumns));
  const reads = listReads(list);
  plannedLists.set(`${list.name}s`, reads.planned);
  return t.prismaConnection(
    {
      type: list.model,
      cursor: "id",
      ...pageSize,
      args: { filter: t.arg({ type: filter }), orderBy: t.arg({ type: OrderBy }) },
      resolve: async (query, _root, args, ctx) => reads.findMany(ctx, args, query),
      totalCount: async (_conn, args, ctx) => reads.planned.count(ctx, args),
    },
    {
      fields: (c) => ({
        totalCountCapped: c.field({
          type: CappedCount,
          description: `totalCount up to \`max\` (1–${MAX_COUNT_CAP.toLocaleString("en")}): reads at most max + 1 matches, for large lists`,
          args: { max: c.arg.int({ required: true, defaultValue: 1000 }) },
          resolve: (connection, { max }, ctx) => reads.planned.countCapped(ctx, { filter: connectionFilter(connection) }, max),
        }),
      }),
    },
  );
}

/**
 * How a list reads its page and counts, for its connection's resolvers and for the page
 * planner (src/pages), which reads the page's ids the same way and builds its records in SQL.
 */
function listReads(list: ListSpec) {
  const where = (ctx: Context, args: ListArgs) => list.where(args.filter, { provider: ctx.db.provider, reader: ctx.db.reader });
  const orderBy = (args: ListArgs) => orderByOf(list.orderColumns, args.orderBy as Parameters<typeof orderByOf>[1], list.defaultOrder);
  const findMany = async (ctx: Context, args: ListArgs, query: object, built?: object) =>
    readerOf(ctx.db.reader, list).findMany({ ...query, where: built ?? (await where(ctx, args)), orderBy: orderBy(args) });
  const helpers = prismaConnectionHelpers(builder, list.model, { cursor: "id", ...pageSize });
  const planned: PlannedList = {
    field: `${list.name}s`,
    model: list.model,
    // The planner reads only the page's ids: with a statement of its own where the list's where
    // clause allows (pages/ids.ts), otherwise through Prisma, with the where clause built once
    // (a filter's look-ups are statements too).
    async pageIds(ctx, args) {
      const query = helpers.getQuery(args, ctx, () => ({ select: { id: true } }));
      const built = await where(ctx, args);
      const statement = pageIdsStatement(ctx.db.provider, list.model, built, orderBy(args), query as PageQuery);
      return statement ? { statement } : { read: () => findMany(ctx, args, query, built) };
    },
    // the helpers read only the cursor's column of a row
    resolve: (ctx, args, rows) => helpers.resolve(rows as Parameters<typeof helpers.resolve>[0], args, ctx),
    count: async (ctx, args) => readerOf(ctx.db.reader, list).count({ where: await where(ctx, args) }),
    async countCapped(ctx, args, max) {
      if (typeof max !== "number" || !Number.isInteger(max) || max < 1 || max > MAX_COUNT_CAP)
        throw invalid("max", `must be between 1 and ${MAX_COUNT_CAP}, got ${String(max)}`);
      const count = await readerOf(ctx.db.reader, list).count({ where: await where(ctx, args), take: max + 1 });
      return { count: Math.min(count, max), more: count > max };
    },
  };
  return { findMany, planned };
}

/** A list of records a unique key names (params by name, users by handle), and the lookup by that key. */
interface KeyedListSpec extends ListSpec {
  key: string;
}

/** Adds `<name>(<key>)` and `<name>s(filter, orderBy, first, after…)` for records without uids. */
export function defineKeyedFields(list: KeyedListSpec, filter: InputObjectRef<Types, FilterInput>) {
  builder.queryFields((t) => ({
    [list.name]: t.prismaField({
      type: list.model,
      nullable: true,
      args: { [list.key]: t.arg.string({ required: true }) },
      resolve: (query, _root, args, ctx) => readerOf(ctx.db.reader, list).findUnique({ ...query, where: { [list.key]: args[list.key] } }),
    }),
    [`${list.name}s`]: listConnection(t, list, filter),
  }));
}

type MutationFieldBuilder = Parameters<Parameters<typeof builder.mutationFields>[0]>[0];

/** Whether the written row itself answers the planned selection: columns only, all of them in the row. */
function answersSelection(query: { select?: Record<string, unknown>; include?: unknown }, record: object): boolean {
  if (query.include || !query.select) return false;
  return Object.entries(query.select).every(([column, wanted]) => wanted === true && column in record);
}

/** A mutation `<name>(input: <Name>Input!)` and its input type: the shape of every registry's writes. */
interface InputMutation<Fields extends InputFieldMap> {
  description?: string;
  inputDescription?: string;
  /** the input type's fields */
  fields: (t: InputFieldBuilder) => Fields;
  /** what the mutation writes, from its input */
  write: (w: WriteContext, input: InputShapeFromFields<Fields>, ctx: Context) => Promise<{ id: number }>;
  /** a shortcut tried first, without a transaction: the record it wrote, or null for `write` to decide */
  atOnce?: (input: InputShapeFromFields<Fields>, ctx: Context) => Promise<{ id: number } | null>;
}

/** Adds a record mutation whose one argument is `input`, and its input type, named after the mutation. */
export function defineInputMutation<Fields extends InputFieldMap>(name: string, registry: { name: Delegate; model: Model }, options: InputMutation<Fields>) {
  const input = builder.inputType(`${name.charAt(0).toUpperCase()}${name.slice(1)}Input`, { description: options.inputDescription, fields: options.fields });
  builder.mutationFields((t) => ({
    [name]: recordMutation(t, registry, {
      description: options.description,
      args: { input: t.arg({ type: input, required: true }) },
      // A required argument is always there; Pothos cannot resolve its shape for generic fields.
      write: (w, args, ctx) => options.write(w, (args as { input: InputShapeFromFields<Fields> }).input, ctx),
      atOnce: options.atOnce && ((args, ctx) => options.atOnce!((args as { input: InputShapeFromFields<Fields> }).input, ctx)),
    }),
  }));
}

/**
 * A mutation that writes one record in a transaction and answers with it, read again with the
 * selection the query planned when the write's own row lacks what was asked for (relations). The
 * record joins the request's written records, so a caller without read sees its answer.
 */
export function recordMutation<Args extends InputFieldMap>(
  t: MutationFieldBuilder,
  registry: { name: Delegate; model: Model },
  options: {
    description?: string;
    args: Args;
    write: (w: WriteContext, args: InputShapeFromFields<Args>, ctx: Context) => Promise<{ id: number }>;
    /** tried first, without a transaction: the record it wrote, or null for `write` to decide */
    atOnce?: (args: InputShapeFromFields<Args>, ctx: Context) => Promise<{ id: number } | null>;
  },
) {
  return t.prismaField({
    type: registry.model,
    description: options.description,
    args: options.args,
    resolve: async (query, _root, args, ctx) => {
      const early = await options.atOnce?.(args, ctx);
      if (early) markWritten(ctx, registry.model, early.id);
      const record = early ?? (await writeRecord(ctx, registry.model, (w) => options.write(w, args, ctx)));
      if (answersSelection(query, record)) return record as Shape<Model>;
      return readerOf(ctx.db.reader, registry).findUniqueOrThrow({ ...query, where: { id: record.id } });
    },
  });
}
