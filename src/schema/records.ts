// The record types that schema helpers work over: their model and delegate names, their shapes,
// one reader for the delegates Prisma types apart, and the builder's types for helpers that
// declare fields several types share.
import type { builder } from "../builder.ts";
import type { PrismaClient } from "../db/database.ts";
import type { AnyRegistry } from "../domain/registries.ts";
import type PrismaTypes from "../generated/pothos-types.ts";

/** The records a mutation answers with: the registries' and declared params. */
export type Model = AnyRegistry["model"] | "Param" | "User";
export type Delegate = AnyRegistry["name"] | "param" | "user";
export type Shape<M extends Model> = PrismaTypes[M]["Shape"];

// The calls a registry's fields make, shared by the four delegates (Prisma types each one separately).
interface RecordReader<M extends Model> {
  findFirst(args: { where: object }): Promise<Shape<M> | null>;
  findUnique(args: { where: object }): Promise<Shape<M> | null>;
  findMany(args: { where: object; orderBy?: object[] }): Promise<Shape<M>[]>;
  findUniqueOrThrow(args: { where: { id: number } }): Promise<Shape<M>>;
  count(args: { where: object; take?: number }): Promise<number>;
}

export function readerOf<M extends Model>(db: PrismaClient, registry: { name: Delegate; model: M }): RecordReader<M> {
  return db[registry.name];
}

export type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;

/** The field builder of an input type, for helpers that declare fields several inputs share. */
export type InputFieldBuilder = PothosSchemaTypes.InputFieldBuilder<Types, "InputObject">;

/** A record's external id and what kind of id it is, as input fields (runs, transforms, collections). */
export const referenceFields = (t: InputFieldBuilder, description?: string) => ({
  reference: t.string({ required: false, description }),
  referenceType: t.string({ required: false }),
});

/** A record type's name with its indefinite article, for descriptions: "a run", "an artifact". */
export function withArticle(name: string): string {
  return `${/^[aeiou]/.test(name) ? "an" : "a"} ${name}`;
}
