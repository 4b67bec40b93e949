// Plans a query for the page planner: which root lists it reads, with which arguments, and the
// selection of their records as a tree the database can build (sql.ts). A query the planner
// does not cover in every field answers null and runs through the resolvers, unchanged
// (docs/architecture.md, "Pages built in the database").
import {
  getArgumentValues,
  getDirectiveValues,
  getVariableValues,
  GraphQLError,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  isObjectType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";
import { CATALOGUE, isModel, type Model } from "./catalogue.ts";
import { plannedLists, type ListArgs, type PlannedList } from "./lists.ts";
import { MAX_FIELDS_PER_RECORD, type FieldPlan, type RecordPlan } from "./sql.ts";

/** A field of a plain object the list hands over (an edge, pageInfo, a capped count), by its response name. */
export interface PlainField {
  key: string;
  /** the field's name; `__typename` answers the type */
  name: string;
}

export type ConnectionField = { key: string } & (
  | { kind: "plain"; name: string; typename: string }
  | { kind: "edges"; typename: string; fields: EdgeField[] }
  | { kind: "pageInfo"; typename: string; fields: PlainField[] }
  | { kind: "totalCount" }
  | { kind: "totalCountCapped"; max: unknown; typename: string; fields: PlainField[] }
);

export type EdgeField = { key: string } & ({ kind: "plain"; name: string } | { kind: "node" });

export interface ListPlan {
  key: string;
  list: PlannedList & { model: Model };
  args: ListArgs;
  typename: string;
  fields: ConnectionField[];
  /** the records' selection; null when the query asks for no node */
  record: RecordPlan | null;
}

export type RootPlan = { key: string; kind: "typename"; typename: string } | ({ kind: "list" } & ListPlan);

/** Thrown inside the planner when a query leaves what it covers; caught in planQuery. */
class NotPlanned extends Error {}
function notPlanned(): never {
  throw new NotPlanned();
}

type Variables = Record<string, unknown>;

interface Walk {
  schema: GraphQLSchema;
  fragments: Map<string, FragmentDefinitionNode>;
  variables: Variables;
}

/** The fields of a selection set on an object type, grouped by response name in first-seen order, as graphql-js collects them. */
function collectFields(walk: Walk, type: GraphQLObjectType, selectionSets: readonly SelectionSetNode[]): Map<string, FieldNode[]> {
  const fields = new Map<string, FieldNode[]>();
  const visit = (selectionSet: SelectionSetNode) => {
    for (const selection of selectionSet.selections) {
      if (!included(walk, selection)) continue;
      if (selection.kind === Kind.FIELD) {
        const key = selection.alias?.value ?? selection.name.value;
        const group = fields.get(key);
        if (group) group.push(selection);
        else fields.set(key, [selection]);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (selection.typeCondition && selection.typeCondition.name.value !== type.name) notPlanned();
        visit(selection.selectionSet);
      } else {
        const fragment = walk.fragments.get(selection.name.value) ?? notPlanned();
        if (fragment.typeCondition.name.value !== type.name) notPlanned();
        visit(fragment.selectionSet);
      }
    }
  };
  for (const selectionSet of selectionSets) visit(selectionSet);
  return fields;
}

/** @skip and @include as the executor reads them; any other directive is left to the executor. */
function included(walk: Walk, node: FieldNode | SelectionSetNode["selections"][number]): boolean {
  for (const directive of node.directives ?? []) {
    const name = directive.name.value;
    if (name !== GraphQLSkipDirective.name && name !== GraphQLIncludeDirective.name) notPlanned();
  }
  if (getDirectiveValues(GraphQLSkipDirective, node, walk.variables)?.if === true) return false;
  if (getDirectiveValues(GraphQLIncludeDirective, node, walk.variables)?.if === false) return false;
  return true;
}

const subSelections = (nodes: FieldNode[]) => nodes.flatMap((node) => (node.selectionSet ? [node.selectionSet] : []));

function objectType(walk: Walk, name: string): GraphQLObjectType {
  const type = walk.schema.getType(name);
  return isObjectType(type) ? type : notPlanned();
}

/** The named type a field returns, through its list and non-null wrappers. */
function namedTypeOf(type: GraphQLObjectType, field: string): string {
  let fieldType = type.getFields()[field]?.type ?? notPlanned();
  while ("ofType" in fieldType) fieldType = fieldType.ofType;
  return fieldType.name;
}

/**
 * Whether a field asks no more than the read scope the planner requires of its caller. A field
 * that asks more (admin, a scope function) is left to the resolvers, which check it.
 */
function readOnlyScopes(type: GraphQLObjectType, name: string): boolean {
  const field = type.getFields()[name];
  if (!field) return false;
  const options = field.extensions?.pothosOptions as { authScopes?: unknown } | undefined;
  const scopes = options?.authScopes;
  return (
    scopes === undefined ||
    (typeof scopes === "object" && scopes !== null && Object.entries(scopes).every(([scope, wanted]) => scope === "read" && wanted === true))
  );
}

function argumentsOf(walk: Walk, type: GraphQLObjectType, node: FieldNode): Record<string, unknown> {
  const definition = type.getFields()[node.name.value] ?? notPlanned();
  return getArgumentValues(definition, node, walk.variables);
}

function planRecord(walk: Walk, model: Model, selectionSets: readonly SelectionSetNode[]): RecordPlan {
  const type = objectType(walk, model);
  const catalogue = CATALOGUE[model];
  const fields: FieldPlan[] = [];
  for (const [key, nodes] of collectFields(walk, type, selectionSets)) {
    const name = nodes[0].name.value;
    if (name === "__typename") {
      fields.push({ key, kind: "typename", typename: model });
      continue;
    }
    const source = Object.hasOwn(catalogue, name) ? catalogue[name] : notPlanned();
    if (!readOnlyScopes(type, name)) notPlanned();
    if (source.kind === "column" || source.kind === "params") {
      fields.push({ key, ...source });
      continue;
    }
    const args = argumentsOf(walk, type, nodes[0]);
    if (Object.keys(args).some((arg) => arg !== "includeTrashed")) notPlanned();
    const record = planRecord(walk, source.model, subSelections(nodes));
    fields.push({ key, ...source, record, includeTrashed: args.includeTrashed === true });
  }
  if (fields.length > MAX_FIELDS_PER_RECORD) notPlanned();
  return { model, fields };
}

function plainFields(walk: Walk, typeName: string, nodes: FieldNode[], allowed: readonly string[]): PlainField[] {
  const type = objectType(walk, typeName);
  return [...collectFields(walk, type, subSelections(nodes))].map(([key, group]) => {
    const name = group[0].name.value;
    if (name !== "__typename" && !allowed.includes(name)) notPlanned();
    return { key, name };
  });
}

const PAGE_INFO = ["hasNextPage", "hasPreviousPage", "startCursor", "endCursor"] as const;
const CAPPED_COUNT = ["count", "more"] as const;

function planList(walk: Walk, key: string, list: PlannedList & { model: Model }, query: GraphQLObjectType, nodes: FieldNode[]): ListPlan {
  const args = argumentsOf(walk, query, nodes[0]);
  const connection = objectType(walk, namedTypeOf(query, list.field));
  let record: RecordPlan | null = null;
  const fields: ConnectionField[] = [];
  for (const [fieldKey, group] of collectFields(walk, connection, subSelections(nodes))) {
    const name = group[0].name.value;
    if (name === "__typename") {
      fields.push({ key: fieldKey, kind: "plain", name, typename: connection.name });
    } else if (name === "totalCount") {
      fields.push({ key: fieldKey, kind: "totalCount" });
    } else if (name === "pageInfo") {
      const typename = namedTypeOf(connection, name);
      fields.push({ key: fieldKey, kind: "pageInfo", typename, fields: plainFields(walk, typename, group, PAGE_INFO) });
    } else if (name === "totalCountCapped") {
      const typename = namedTypeOf(connection, name);
      const { max } = argumentsOf(walk, connection, group[0]);
      fields.push({ key: fieldKey, kind: "totalCountCapped", max, typename, fields: plainFields(walk, typename, group, CAPPED_COUNT) });
    } else if (name === "edges") {
      const edgeType = objectType(walk, namedTypeOf(connection, name));
      const edge: EdgeField[] = [];
      for (const [edgeKey, edgeGroup] of collectFields(walk, edgeType, subSelections(group))) {
        const edgeName = edgeGroup[0].name.value;
        if (edgeName === "node") {
          // one selection of the records per list: a second one would need a statement of its own
          if (record) notPlanned();
          record = planRecord(walk, list.model, subSelections(edgeGroup));
          edge.push({ key: edgeKey, kind: "node" });
        } else if (edgeName === "cursor" || edgeName === "__typename") {
          edge.push({ key: edgeKey, kind: "plain", name: edgeName });
        } else {
          notPlanned();
        }
      }
      // a second edges field would hold records again
      if (fields.some((field) => field.kind === "edges")) notPlanned();
      fields.push({ key: fieldKey, kind: "edges", typename: edgeType.name, fields: edge });
    } else {
      notPlanned();
    }
  }
  return { key, list, args, typename: connection.name, fields, record };
}

/**
 * The plan of a query whose every root field is a planned list (or __typename) and whose every
 * field beneath is in the catalogue; null otherwise, and for variables that do not coerce (the
 * executor then answers with its own errors).
 */
export function planQuery(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  rawVariables: Readonly<Record<string, unknown>> | undefined,
): RootPlan[] | null {
  const query = schema.getQueryType();
  if (!query) return null;
  // Most queries name no planned list at their root (lineage, lookups): no coercion, no walk.
  const mayPlan = operation.selectionSet.selections.some((selection) => selection.kind !== Kind.FIELD || plannedLists.has(selection.name.value));
  if (!mayPlan) return null;
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], rawVariables ?? {});
  if (coerced.errors) return null;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const walk: Walk = { schema, fragments, variables: coerced.coerced };
  try {
    const roots: RootPlan[] = [];
    for (const [key, nodes] of collectFields(walk, query, [operation.selectionSet])) {
      const name = nodes[0].name.value;
      if (name === "__typename") {
        roots.push({ key, kind: "typename", typename: query.name });
        continue;
      }
      const list = plannedLists.get(name) ?? notPlanned();
      if (!readOnlyScopes(query, name)) notPlanned();
      const model = list.model;
      if (!isModel(model)) notPlanned();
      roots.push({ kind: "list", ...planList(walk, key, { ...list, model }, query, nodes) });
    }
    return roots.some((root) => root.kind === "list") ? roots : null;
  } catch (error) {
    // Arguments that do not coerce are the executor's to report, with its own errors.
    if (error instanceof NotPlanned || error instanceof GraphQLError) return null;
    throw error;
  }
}
