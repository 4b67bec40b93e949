// Lists through a link table (a run's inputs, an artifact's collections, a transform's
// predecessors): the parent selects each link's target with the nested query's selection, in
// the link table's order, and answers with the targets.

/** What a link list selects: the links of `link`, each with its `target` row. */
type LinkSelection<Link extends string, Target extends string, Nested> = Record<
  Link,
  { where?: Partial<Record<Target, { trashedAt: null }>>; orderBy?: Record<string, "asc">; select: Record<Target, Nested> }
>;

interface LinkListOptions {
  /** the link column to order by (default: the table's own order) */
  orderBy?: string;
  /** leave out links whose target is in the trash unless the field's includeTrashed is set */
  trashable?: boolean;
}

/**
 * The `select` and `resolve` of a field listing the targets of a link table. Lists reach records
 * beyond a mutation's own writes: they need read even on a record the caller wrote.
 */
export function linkList<Link extends string, Target extends string>(link: Link, target: Target, options: LinkListOptions = {}) {
  return {
    authScopes: { read: true },
    select: <Nested>(args: { includeTrashed?: boolean | null }, _ctx: unknown, nestedSelection: (selection: true) => Nested) => {
      const links = {
        ...(options.trashable ? { where: args.includeTrashed ? {} : { [target]: { trashedAt: null } } } : {}),
        ...(options.orderBy ? { orderBy: { [options.orderBy]: "asc" as const } } : {}),
        select: { [target]: nestedSelection(true) },
      };
      return { [link]: links } as LinkSelection<Link, Target, Nested>;
    },
    resolve: <Row>(parent: Record<Link, Record<Target, Row>[]>): Row[] => parent[link].map((row) => row[target]),
  };
}

/** A to-many relation listed oldest first, its trashed records only when includeTrashed is set (a list: read). */
export const trashableRelation = {
  authScopes: { read: true },
  query: (args: { includeTrashed?: boolean | null }) => ({ where: args.includeTrashed ? {} : { trashedAt: null }, orderBy: { id: "asc" as const } }),
};
