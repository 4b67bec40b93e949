// Answers a planned query: each list's page of ids read as its connection reads it, then the
// page's records built as JSON by one statement (both in one statement where the ids have a
// statement of their own), then the connection's objects assembled in the order the query asked
// for (docs/architecture.md, "Pages built in the database").
import type { ExecutionResult } from "graphql";
import type { Context } from "../context.ts";
import { JsonParts, type JsonPiece } from "./json-parts.ts";
import { compactJsonTexts } from "./json-text.ts";
import type { PageIds, PageRows } from "./lists.ts";
import type { ConnectionField, EdgeField, ListPlan, PlainField, RootPlan } from "./plan.ts";
import { pageStatement, type RecordPlan } from "./sql.ts";

/** The planner met something it does not answer alike (a record gone between its two reads): the resolvers answer. */
export class PlanAbandoned extends Error {}

export async function answerPlan(roots: RootPlan[], ctx: Context): Promise<Record<string, unknown>> {
  const values = await Promise.all(roots.map(async (root) => (root.kind === "typename" ? root.typename : answerList(root, ctx))));
  const data: Record<string, unknown> = {};
  roots.forEach((root, index) => (data[root.key] = values[index]));
  return carry(data, values);
}

function plainObject(source: Record<string, unknown>, typename: string, fields: PlainField[]): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (const { key, name } of fields) object[key] = name === "__typename" ? typename : source[name];
  return object;
}

/**
 * The records' JSON as JSON.stringify writes it, as UTF-8 bytes: SQLite writes it so and its
 * reader thread hands the bytes over; PostgreSQL writes it with spaces and line breaks and
 * numbers its own way, and its texts are encoded as they are compacted, into one buffer
 * (pages/json-text.ts).
 */
const nodes = (ctx: Context, rows: readonly { node: JsonPiece }[]): JsonPiece[] => {
  if (ctx.db.provider !== "postgresql") return rows.map((row) => row.node);
  return compactJsonTexts(rows.map((row) => (typeof row.node === "string" ? row.node : Buffer.from(row.node).toString("utf8"))));
};

/** The records' statement's rows: the node column as bytes where the database hands them over so. */
const readRecords = (ctx: Context, sql: string, params: unknown[]) => ctx.db.queryRows<{ id: number; node: JsonPiece }>(sql, params, { bytes: "node" });

/** The page's records as JSON, one per id, in the ids' order. */
async function records(ctx: Context, plan: RecordPlan, ids: number[]): Promise<JsonPiece[]> {
  if (ids.length === 0) return [];
  const { sql, params } = pageStatement(ctx.db.provider, plan, ids);
  const rows = await readRecords(ctx, sql, params);
  if (rows.length !== ids.length) throw new PlanAbandoned("a record of the page is gone");
  rows.forEach((row, index) => {
    if (Number(row.id) !== ids[index]) throw new PlanAbandoned("the page's records came back out of order");
  });
  return nodes(ctx, rows);
}

/**
 * A list's page and its records. A page whose ids have a statement of their own is read with its
 * records in one statement (one round trip on PostgreSQL, one trip to the reader's thread on
 * SQLite): the ids' statement is its subquery, and the rows come back in the page's order with
 * the one past the page that tells whether there is a next page. Otherwise the ids, then the
 * records.
 */
async function readPage(plan: ListPlan, ctx: Context, ids: PageIds): Promise<{ page: PageRows; nodes: (JsonPiece | undefined)[] }> {
  if ("statement" in ids && plan.record) {
    const { statement } = ids;
    const { sql, params } = pageStatement(ctx.db.provider, plan.record, statement);
    const rows = await readRecords(ctx, sql, params);
    if (statement.reversed) rows.reverse();
    const page = plan.list.resolve(
      ctx,
      plan.args,
      rows.map((row) => ({ id: Number(row.id) })),
    );
    const json = nodes(ctx, rows);
    const byId = new Map(rows.map((row, index) => [Number(row.id), json[index]]));
    return { page, nodes: page.edges.map((edge) => byId.get(edge.node.id)) };
  }
  let read: { id: number }[];
  if ("statement" in ids) {
    const { sql, params, reversed } = ids.statement;
    read = (await ctx.db.queryRows<{ id: number | bigint }>(sql, params)).map((row) => ({ id: Number(row.id) }));
    if (reversed) read.reverse();
  } else read = await ids.read();
  const page = plan.list.resolve(ctx, plan.args, read);
  return {
    page,
    nodes: plan.record
      ? await records(
          ctx,
          plan.record,
          page.edges.map((edge) => edge.node.id),
        )
      : [],
  };
}

/**
 * Answer values kept as the JSON they are written with (stringifyAnswer), by the object that
 * holds them: a connection's edges built around the records' JSON.
 */
const jsonTexts = new WeakMap<object, { key: string; json: JsonParts }>();

/**
 * The objects of an answer that hold such a text or contain one that does: the result, its
 * data and the connections. Everything else is written by JSON.stringify in one call.
 */
const carriers = new WeakSet<object>();

/** A value of an answer held as its JSON: written as it is, parsed once if something reads it. */
function holdJson(holder: Record<string, unknown>, key: string, json: JsonParts): void {
  let value: unknown;
  let parsed = false;
  Object.defineProperty(holder, key, {
    enumerable: true,
    configurable: true,
    get: () => {
      if (!parsed) {
        value = JSON.parse(json.text()) as unknown;
        parsed = true;
      }
      return value;
    },
  });
  jsonTexts.set(holder, { key, json });
  carriers.add(holder);
}

/** Marks an object of the answer as one whose values may hold JSON text (stringifyAnswer). */
function carry<T extends object>(object: T, children: unknown[]): T {
  if (children.some((child) => typeof child === "object" && child !== null && carriers.has(child))) carriers.add(object);
  return object;
}

/**
 * Writes a planned answer as JSON.stringify would, the records as the database wrote them. Only
 * the few objects above a held JSON are walked here: the result, its data, the connections;
 * every other value (a page's info, an edge's cursor, a count) is one JSON.stringify.
 */
function writeAnswer(value: unknown, out: JsonParts): void {
  if (value === null || typeof value !== "object" || !carriers.has(value)) {
    out.add(JSON.stringify(value) ?? "null");
    return;
  }
  const held = jsonTexts.get(value);
  let first = true;
  out.add("{");
  // by key: reading the held value's property would parse it
  for (const key of Object.keys(value)) {
    const item: unknown = held?.key === key ? held : (value as Record<string, unknown>)[key];
    if (item === undefined || typeof item === "function") continue;
    out.add(`${first ? "" : ","}${JSON.stringify(key)}:`);
    first = false;
    if (item === held) out.addAll(held.json);
    else writeAnswer(item, out);
  }
  out.add("}");
}

/**
 * A planned answer's JSON. Where it holds records, which are bytes, it is bytes too: a
 * Buffer, which Yoga hands to the Response as its body unchanged, so that no string is made of
 * the records and none is encoded again to be sent (a Buffer in a string context, such as an
 * event stream's `data:`, is its UTF-8 text). Otherwise a string.
 */
export function stringifyAnswer(value: unknown): string | Buffer {
  const out = new JsonParts();
  writeAnswer(value, out);
  return out.hasBytes ? out.toBuffer() : out.text();
}

/** A planned answer as an execution result, written by stringifyAnswer. */
export function plannedResult(data: Record<string, unknown>): ExecutionResult {
  const result = carry({ data }, [data]);
  // Yoga writes a result with its own stringify: the records go out as the database wrote them.
  Object.defineProperty(result, "stringify", { value: stringifyAnswer, enumerable: false });
  return result;
}

async function answerList(plan: ListPlan, ctx: Context): Promise<Record<string, unknown>> {
  // The page's arguments are checked first, as the connection's resolver checks them, and its
  // page is read even for a count alone.
  const ids = await plan.list.pageIds(ctx, plan.args);
  const counts = async (field: ConnectionField): Promise<unknown> => {
    if (field.kind === "totalCount") return plan.list.count(ctx, plan.args);
    if (field.kind === "totalCountCapped") return plan.list.countCapped(ctx, plan.args, field.max);
    return null;
  };
  const [{ page, nodes }, values] = await Promise.all([readPage(plan, ctx, ids), Promise.all(plan.fields.map(counts))]);
  const connection: Record<string, unknown> = {};
  plan.fields.forEach((field, index) => {
    const value = values[index];
    switch (field.kind) {
      case "plain":
        connection[field.key] = field.typename;
        break;
      case "totalCount":
        connection[field.key] = value;
        break;
      case "totalCountCapped":
        connection[field.key] = plainObject(value as Record<string, unknown>, field.typename, field.fields);
        break;
      case "pageInfo":
        connection[field.key] = plainObject(page.pageInfo, field.typename, field.fields);
        break;
      case "edges": {
        const plain = (edgeField: EdgeField, cursor: string) => (edgeField.kind === "plain" && edgeField.name === "__typename" ? field.typename : cursor);
        // the records are JSON: the edges are written around them
        const edges = new JsonParts().add("[");
        page.edges.forEach((edge, row) => {
          edges.add(row ? ",{" : "{");
          field.fields.forEach((edgeField, index) => {
            edges.add(`${index ? "," : ""}${JSON.stringify(edgeField.key)}:`);
            edges.add(edgeField.kind === "node" ? (nodes[row] ?? "null") : JSON.stringify(plain(edgeField, edge.cursor)));
          });
          edges.add("}");
        });
        holdJson(connection, field.key, edges.add("]"));
        break;
      }
    }
  });
  return connection;
}
