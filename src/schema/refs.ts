// The GraphQL object types of the Prisma models, declared once so that every type module
// can name the others; each module adds its own fields with prismaObjectFields.
import { builder } from "../builder.ts";

export const UserRef = builder.prismaObject("User", { fields: () => ({}) });
export const StorageRef = builder.prismaObject("Storage", { fields: () => ({}) });
// Select mode for the lineage models: a nested list loads only the columns its fields ask for,
// which halves the cost of a dashboard page (bench/README.md).
export const TransformRef = builder.prismaObject("Transform", { select: { id: true }, fields: () => ({}) });
export const RunRef = builder.prismaObject("Run", { select: { id: true }, fields: () => ({}) });
export const ArtifactRef = builder.prismaObject("Artifact", { select: { id: true }, fields: () => ({}) });
export const CollectionRef = builder.prismaObject("Collection", { select: { id: true }, fields: () => ({}) });
export const ParamRef = builder.prismaObject("Param", { fields: () => ({}) });
export const ParamValueRef = builder.prismaObject("ParamValue", { fields: () => ({}) });
