// Columns answered from the row that carries them. In select mode the Prisma plugin wraps every
// exposed column, and every field that selects columns, in a resolver that looks its selection
// up by the field's response path (string keys built and memoised per row and field), so that a
// row loaded without the column can load it. A dashboard page of 100 runs with their artifacts
// resolves some 2,000 such fields, and that lookup was its largest cost after garbage collection
// (docs/architecture.md, "Dashboard pages"). A row that already holds the columns needs none of
// it: the values are the row's, whichever selection loaded it. A row without them still goes
// through the Prisma plugin, which loads them.
import SchemaBuilder, { BasePlugin, type PothosOutputFieldConfig, type SchemaTypes } from "@pothos/core";

type Resolver<Types extends SchemaTypes> = Parameters<BasePlugin<Types>["wrapResolve"]>[0];

/**
 * The columns a scalar or enum field of a select-mode Prisma object reads (an exposed column, or a
 * field with its own resolver and a `select` of columns only), or null for any other field.
 */
function selectedColumns<Types extends SchemaTypes>(fieldConfig: PothosOutputFieldConfig<Types>): string[] | null {
  if (fieldConfig.kind !== "PrismaObject" || Object.keys(fieldConfig.args).length > 0) return null;
  if (fieldConfig.type.kind !== "Scalar" && fieldConfig.type.kind !== "Enum") return null;
  const select = (fieldConfig.extensions as { pothosPrismaSelect?: unknown } | undefined)?.pothosPrismaSelect;
  if (typeof select !== "object" || select === null) return null;
  const columns = Object.keys(select);
  return columns.length > 0 && columns.every((column) => (select as Record<string, unknown>)[column] === true) ? columns : null;
}

class LoadedColumns<Types extends SchemaTypes> extends BasePlugin<Types> {
  override wrapResolve(resolver: Resolver<Types>, fieldConfig: PothosOutputFieldConfig<Types>): Resolver<Types> {
    const columns = selectedColumns(fieldConfig);
    const own = fieldConfig.resolve as Resolver<Types> | undefined;
    if (columns === null || !own) return resolver;
    const [column] = columns;
    const holds = columns.length === 1 ? (row: object) => column in row : (row: object) => columns.every((name) => name in row);
    return (parent, args, context, info) =>
      typeof parent === "object" && parent !== null && holds(parent) ? own(parent, args, context, info) : resolver(parent, args, context, info);
  }
}

declare global {
  export namespace PothosSchemaTypes {
    export interface Plugins<Types extends SchemaTypes> {
      loadedColumns: LoadedColumns<Types>;
    }
  }
}

/** The plugin's name, as builders list it (importing this module registers it): list it before the Prisma plugin. */
export const LoadedColumnsPlugin = "loadedColumns";
SchemaBuilder.registerPlugin(LoadedColumnsPlugin, LoadedColumns);
