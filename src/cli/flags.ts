// Command-line flags declared by name: those that take a value and the switches, in the form
// node:util's parseArgs reads.

type Flags<Value extends string, Switch extends string> = { [Name in Value]: { type: "string" } } & { [Name in Switch]: { type: "boolean" } };

/** parseArgs options for flags that take a value (`--name <value>`) and switches (`--name`). */
export function flags<Value extends string, Switch extends string = never>(values: readonly Value[], switches: readonly Switch[] = []): Flags<Value, Switch> {
  const entries = [...values.map((name) => [name, { type: "string" }]), ...switches.map((name) => [name, { type: "boolean" }])];
  return Object.fromEntries(entries) as Flags<Value, Switch>;
}
