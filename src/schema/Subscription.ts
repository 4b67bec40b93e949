// Live updates over GraphQL subscriptions (README, "Live updates"; docs/architecture.md):
// run and artifact events of committed writes, filtered per subscription. Subscribing needs
// the read scope; the run or artifact of an event resolves through the usual fields and
// their rules.
import type { EnumRef } from "@pothos/core";
import { builder } from "../builder.ts";
import type { Context } from "../context.ts";
import { checkStorageRoot, normaliseStorageRoot } from "../domain/instance.ts";
import { artifacts, runs } from "../domain/registries.ts";
import { STEM_LENGTH } from "../domain/uid.ts";
import { tokenKey, type ArtifactEvent, type Holder, type RunEvent } from "../live/hub.ts";
import { readerOf, withArticle, type Types } from "./records.ts";
import { RunStatus } from "./Run.ts";

/**
 * An event type of a record type, with its kinds: what happened, and the record it happened to,
 * read again as it is now (null once it was removed for good).
 */
function eventType<Event extends { kind: string; id: number }>(
  registry: { name: "run" | "artifact"; model: "Run" | "Artifact" },
  kinds: Record<Event["kind"], { description: string }>,
) {
  // Pothos types an enum from literal keys only; `kinds` has one key per kind of the event.
  const Kind = builder.enumType(`${registry.model}EventKind`, { values: kinds }) as EnumRef<Types, string>;
  return builder.objectRef<Event>(`${registry.model}Event`).implement({
    description: `Something that happened to ${withArticle(registry.name)}, after its transaction committed.`,
    fields: (t) => ({
      kind: t.field({ type: Kind, resolve: (event) => event.kind }),
      [registry.name]: t.prismaField({
        type: registry.model,
        nullable: true,
        description: `the ${registry.name} as it is now; null once it was removed for good`,
        resolve: (query, event, _args, ctx) => readerOf(ctx.db.reader, registry).findUnique({ ...query, where: { id: event.id } }),
      }),
    }),
  });
}

const RunEventRef = eventType<RunEvent>(runs, {
  STARTED: { description: "a run was tracked (or its first OpenLineage event arrived)" },
  FINISHED: { description: "a run reached a terminal status: COMPLETED, ERRORED or ABORTED" },
  UPDATED: { description: "params, inputs or outputs were added to a run" },
  TRASHED: { description: "a run went to the trash" },
  RESTORED: { description: "a run came back from the trash" },
});

const ArtifactEventRef = eventType<ArtifactEvent>(artifacts, {
  CREATED: { description: "an artifact that starts a new family" },
  VERSIONED: { description: "a new version of an existing family" },
  TRASHED: { description: "an artifact went to the trash" },
  RESTORED: { description: "an artifact came back from the trash (restored, or its content registered again)" },
});

const RunEventFilter = builder.inputType("RunEventFilter", {
  description: "Every field given must match; none: every run event.",
  fields: (t) => ({
    transformUid: t.string({ required: false, description: `a transform uid, or its ${STEM_LENGTH.transform}-character stem for every version` }),
    status: t.field({ type: [RunStatus], required: false, description: "the run's status after the change" }),
    createdBy: t.string({ required: false, description: "handle of the user who created the run" }),
  }),
});

const ArtifactEventFilter = builder.inputType("ArtifactEventFilter", {
  description: "Every field given must match; none: every artifact event.",
  fields: (t) => ({
    keyStartsWith: t.string({ required: false, description: "the artifact's key starts with this text (case-sensitive)" }),
    storageRoot: t.string({ required: false, description: "the root of the artifact's storage" }),
  }),
});

/** Who holds a subscription: the TCP connection it came on (when served over HTTP) and its credentials. */
function holderOf(ctx: Context): Holder {
  const { req, request } = ctx as Context & { req?: { socket?: object }; request?: Request };
  return { connection: req?.socket, token: tokenKey(request?.headers.get("authorization") ?? null, ctx.user.id) };
}

builder.subscriptionType({ authScopes: { read: true } });

builder.subscriptionFields((t) => ({
  runEvents: t.field({
    type: RunEventRef,
    description: "run events (STARTED, FINISHED, UPDATED, TRASHED, RESTORED) of committed writes, as they happen",
    args: { filter: t.arg({ type: RunEventFilter, required: false }) },
    subscribe: (_root, { filter }, ctx) => {
      const stem = filter?.transformUid?.length === STEM_LENGTH.transform ? filter.transformUid : null;
      return ctx.live.subscribe("runs", holderOf(ctx), (event) => {
        if (filter?.transformUid && event.transformUid !== filter.transformUid && !(stem && event.transformUid.startsWith(stem))) return false;
        if (filter?.status?.length && !filter.status.some((status) => status === event.status)) return false;
        return !filter?.createdBy || event.createdBy === filter.createdBy;
      });
    },
    resolve: (event) => event,
  }),
  artifactEvents: t.field({
    type: ArtifactEventRef,
    description: "artifact events (CREATED, VERSIONED, TRASHED, RESTORED) of committed writes, from registerArtifact and OpenLineage alike",
    args: { filter: t.arg({ type: ArtifactEventFilter, required: false }) },
    subscribe: (_root, { filter }, ctx) => {
      if (filter?.storageRoot != null) checkStorageRoot(filter.storageRoot, "filter.storageRoot");
      const root = filter?.storageRoot != null ? normaliseStorageRoot(filter.storageRoot) : null;
      const prefix = filter?.keyStartsWith ?? null;
      return ctx.live.subscribe("artifacts", holderOf(ctx), (event) => {
        if (prefix != null && !event.key?.startsWith(prefix)) return false;
        return root == null || event.storageRoot === root;
      });
    },
    resolve: (event) => event,
  }),
}));
