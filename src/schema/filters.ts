// Shared pieces of list filters: visibility (trash), text matches, time ranges, ordering.
import { builder, DateTimeRange, OrderDirection, StringMatch, Visibility } from "../builder.ts";
import type { Provider } from "../db/database.ts";
import { invalid } from "../domain/errors.ts";

export { DateTimeRange, OrderDirection, StringMatch, Visibility };

export function visibilityWhere(visibility: "DEFAULT" | "TRASH" | "ALL" | null | undefined) {
  if (visibility === "ALL") return {};
  if (visibility === "TRASH") return { trashedAt: { not: null } };
  return { trashedAt: null };
}

/**
 * A text match. `equals` is exact; `contains` and `startsWith` find the text literally (a `%`,
 * `_` or `\` in it is no wildcard) and ignore case, Unicode letters included. Prisma binds the
 * pattern of LIKE without an ESCAPE clause: backslash is LIKE's default escape character on
 * PostgreSQL (ILIKE there), and the SQLite connections of src/db/database.ts replace SQLite's
 * `like()` with one that honours it the same way, so both databases find the same rows.
 */
export function stringWhere(match: { equals?: string | null; contains?: string | null; startsWith?: string | null } | null | undefined, provider: Provider) {
  if (!match) return undefined;
  const where: Record<string, string> = {};
  if (match.equals != null) where.equals = match.equals;
  if (match.contains != null) where.contains = escapeLike(match.contains);
  if (match.startsWith != null) where.startsWith = escapeLike(match.startsWith);
  if (Object.keys(where).length === 0) return undefined;
  // Prisma's mode covers the whole match; equals alone stays exact.
  if (provider === "postgresql" && (match.contains != null || match.startsWith != null)) return { ...where, mode: "insensitive" };
  return where;
}

/** Escapes LIKE's wildcards and its escape character, so that text matches itself only. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, "\\$&");
}

export function rangeWhere(range: { gte?: Date | null; lt?: Date | null } | null | undefined) {
  if (!range) return undefined;
  const where: Record<string, Date> = {};
  if (range.gte) where.gte = range.gte;
  if (range.lt) where.lt = range.lt;
  return Object.keys(where).length ? where : undefined;
}

/** Removes undefined entries so that Prisma sees only the filters the caller set. */
export function compact<T extends Record<string, unknown>>(where: T): T {
  return Object.fromEntries(Object.entries(where).filter(([, value]) => value !== undefined)) as T;
}

/** Builds the orderBy of a list; the id breaks ties so that cursors are stable. */
export function orderByOf<F extends string>(
  columns: Record<F, string>,
  order: { field: F; direction?: "ASC" | "DESC" | null } | null | undefined,
  fallback: F,
) {
  const field = order?.field ?? fallback;
  const direction = (order?.direction ?? "DESC") === "ASC" ? "asc" : "desc";
  const column = columns[field];
  if (!column) throw invalid("orderBy.field", `cannot order by ${field}`);
  return column === "id" ? [{ id: direction }] : [{ [column]: direction }, { id: direction }];
}

export function orderInput<F extends string>(name: string, fields: readonly F[]) {
  const fieldEnum = builder.enumType(`${name}Field`, { values: fields });
  return builder.inputType(name, {
    fields: (t) => ({
      field: t.field({ type: fieldEnum, required: true }),
      direction: t.field({ type: OrderDirection, required: false, defaultValue: "DESC" }),
    }),
  });
}
