// Batch loading of the param maps (name → value) of runs or artifacts: one statement for
// every run (or artifact) of a request level, instead of three nested relation loads.
import type { PrismaClient } from "../db/database.ts";
import { Prisma } from "../generated/sqlite/client.ts";

const LINKS = {
  run: { table: Prisma.raw(`"RunParamValue"`), owner: Prisma.raw(`"runId"`) },
  artifact: { table: Prisma.raw(`"ArtifactParamValue"`), owner: Prisma.raw(`"artifactId"`) },
} as const;

export async function loadParamMaps(db: PrismaClient, target: keyof typeof LINKS, ids: readonly number[]): Promise<Record<string, unknown>[]> {
  const { table, owner } = LINKS[target];
  // The value travels as JSON text: one parse here, the same on SQLite and PostgreSQL.
  const rows = await db.$queryRaw<{ owner: number; name: string; value: string }[]>`
    SELECT l.${owner} AS owner, p.name AS name, CAST(v.value AS TEXT) AS value
    FROM ${table} l
    JOIN "ParamValue" v ON v.id = l."paramValueId"
    JOIN "Param" p ON p.id = v."paramId"
    WHERE l.${owner} IN (${Prisma.join([...ids])})
    ORDER BY l.${owner}, p.name`;
  const maps = new Map<number, Record<string, unknown>>(ids.map((id) => [id, {}]));
  for (const row of rows) maps.get(Number(row.owner))![row.name] = JSON.parse(row.value);
  return ids.map((id) => maps.get(id)!);
}
