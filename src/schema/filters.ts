// The GraphQL side of list filters: the shared input types (trash visibility, text matches,
// time ranges) and the orderBy input of a list. What a filter means is in src/domain/filters.ts.
import { builder, DateTimeRange, OrderDirection, StringMatch, Visibility } from "../builder.ts";

export { DateTimeRange, OrderDirection, StringMatch, Visibility };

export function orderInput<F extends string>(name: string, fields: readonly F[]) {
  const fieldEnum = builder.enumType(`${name}Field`, { values: fields });
  return builder.inputType(name, {
    fields: (t) => ({
      field: t.field({ type: fieldEnum, required: true }),
      direction: t.field({ type: OrderDirection, required: false, defaultValue: "DESC" }),
    }),
  });
}
