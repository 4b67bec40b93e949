// The root lists the page planner may answer: each list's connection (src/schema/registry-fields.ts)
// registers how it reads a page and counts, so that the planner reads exactly what the resolver
// would, with the same filter, order, cursor and page cap.
import type { Context } from "../context.ts";
import type { IdsStatement } from "./ids.ts";

/** A list's arguments as its connection receives them. */
export interface ListArgs {
  filter?: Record<string, unknown> | null;
  orderBy?: unknown;
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
}

export interface PlannedList {
  /** the root field, e.g. `runs` */
  field: string;
  /** the record type its nodes have */
  model: string;
  /**
   * How the page's ids are read as the connection reads its page (filter, order, cursor, cap):
   * their statement (pages/ids.ts), or, where only Prisma reads them, that read, its where
   * clause already built. Checks the arguments.
   */
  pageIds(ctx: Context, args: ListArgs): Promise<PageIds>;
  /** the edges and page info of the page's rows, as the connection makes them */
  resolve(ctx: Context, args: ListArgs, rows: { id: number }[]): PageRows;
  /** totalCount of the list's filter */
  count(ctx: Context, args: ListArgs): Promise<number>;
  /** totalCountCapped of the list's filter */
  countCapped(ctx: Context, args: ListArgs, max: unknown): Promise<{ count: number; more: boolean }>;
}

export type PageIds = { statement: IdsStatement } | { read(): Promise<{ id: number }[]> };

export interface PageRows {
  edges: { cursor: string; node: { id: number } }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

export const plannedLists = new Map<string, PlannedList>();
