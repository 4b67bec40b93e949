// Live updates over GraphQL subscriptions (README, "Live updates"; docs/architecture.md):
// run and artifact events of committed writes, filtered per subscription. Subscribing needs
// the read scope; the run or artifact of an event resolves through the usual fields and
// their rules.
import { builder } from "../builder.ts";
import type { Context } from "../context.ts";
import { checkStorageRoot, normaliseStorageRoot } from "../domain/instance.ts";
import { STEM_LENGTH } from "../domain/uid.ts";
import { tokenKey, type ArtifactEvent, type Holder, type RunEvent } from "../live/hub.ts";
import { ArtifactRef, RunRef } from "./refs.ts";
import { RunStatus } from "./Run.ts";

const RunEventKind = builder.enumType("RunEventKind", {
  values: {
    STARTED: { description: "a run was tracked (or its first OpenLineage event arrived)" },
    FINISHED: { description: "a run reached a terminal status: COMPLETED, ERRORED or ABORTED" },
    UPDATED: { description: "params, inputs or outputs were added to a run" },
    TRASHED: { description: "a run went to the trash" },
    RESTORED: { description: "a run came back from the trash" },
  } as const,
});

const ArtifactEventKind = builder.enumType("ArtifactEventKind", {
  values: {
    CREATED: { description: "an artifact that starts a new family" },
    VERSIONED: { description: "a new version of an existing family" },
    TRASHED: { description: "an artifact went to the trash" },
    RESTORED: { description: "an artifact came back from the trash (restored, or its content registered again)" },
  } as const,
});

const RunEventRef = builder.objectRef<RunEvent>("RunEvent").implement({
  description: "Something that happened to a run, after its transaction committed.",
  fields: (t) => ({
    kind: t.field({ type: RunEventKind, resolve: (event) => event.kind }),
    run: t.prismaField({
      type: RunRef,
      nullable: true,
      description: "the run as it is now; null once it was removed for good",
      resolve: (query, event, _args, ctx) => ctx.db.reader.run.findUnique({ ...query, where: { id: event.id } }),
    }),
  }),
});

const ArtifactEventRef = builder.objectRef<ArtifactEvent>("ArtifactEvent").implement({
  description: "Something that happened to an artifact, after its transaction committed.",
  fields: (t) => ({
    kind: t.field({ type: ArtifactEventKind, resolve: (event) => event.kind }),
    artifact: t.prismaField({
      type: ArtifactRef,
      nullable: true,
      description: "the artifact as it is now; null once it was removed for good",
      resolve: (query, event, _args, ctx) => ctx.db.reader.artifact.findUnique({ ...query, where: { id: event.id } }),
    }),
  }),
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
