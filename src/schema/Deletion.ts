// The answer to a delete: which record, and whether it is gone for good or in the trash.
import { builder } from "../builder.ts";

export const DeletePayload = builder.objectRef<{ uid: string; permanent: boolean }>("DeletePayload").implement({
  fields: (t) => ({
    uid: t.exposeString("uid"),
    permanent: t.exposeBoolean("permanent", { description: "true: removed for good; false: moved to the trash (restorable)" }),
  }),
});
