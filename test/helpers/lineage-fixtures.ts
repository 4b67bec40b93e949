// Builds lineage graphs for the lineage specs straight through Prisma: small named graphs
// row by row, large ones with createMany, and bad data (a planted cycle) that the domain
// rules would refuse to write.
import { base62 } from "../../src/domain/uid.ts";
import type { TestService } from "../harness.ts";

export interface Node {
  id: number;
  uid: string;
}

export class GraphFixture {
  private transforms = new Map<string, number>();
  constructor(private readonly svc: TestService) {}

  private get prisma() {
    return this.svc.db.prisma;
  }

  async transform(name: string, version = "1"): Promise<number> {
    const key = `${name}@${version}`;
    let id = this.transforms.get(key);
    if (id == null) {
      const stem = base62(12);
      const row = await this.prisma.transform.create({ data: { uid: `${stem}0000`, stem, name, version, createdById: this.svc.user.id } });
      id = row.id;
      this.transforms.set(key, id);
    }
    return id;
  }

  async artifact(key: string | null, producer?: Node): Promise<Node> {
    const stem = base62(16);
    return this.prisma.artifact.create({
      data: { uid: `${stem}0000`, stem, key, storageId: this.svc.storage.id, createdById: this.svc.user.id, runId: producer?.id },
      select: { id: true, uid: true },
    });
  }

  async collection(key: string, members: Node[], producer?: Node): Promise<Node> {
    const stem = base62(16);
    return this.prisma.collection.create({
      data: {
        uid: `${stem}0000`,
        stem,
        key,
        createdById: this.svc.user.id,
        runId: producer?.id,
        artifacts: { create: members.map((member, position) => ({ artifactId: member.id, position })) },
      },
      select: { id: true, uid: true },
    });
  }

  /** A run of `transform` reading the given artifacts and collections. */
  async run(transform: string, inputs: Node[] = [], inputCollections: Node[] = [], startedAt = new Date("2026-01-02T03:04:05Z")): Promise<Node> {
    return this.prisma.run.create({
      data: {
        uid: base62(20),
        transformId: await this.transform(transform),
        startedAt,
        createdById: this.svc.user.id,
        inputArtifacts: { create: inputs.map((input) => ({ artifactId: input.id })) },
        inputCollections: { create: inputCollections.map((input) => ({ collectionId: input.id })) },
      },
      select: { id: true, uid: true },
    });
  }

  /** Records `inputs` as inputs of an existing run — used to plant cycles. */
  async addInputs(run: Node, inputs: Node[]): Promise<void> {
    await this.prisma.runInputArtifact.createMany({ data: inputs.map((input) => ({ runId: run.id, artifactId: input.id })) });
  }

  async trash(table: "run" | "artifact" | "collection", node: Node): Promise<void> {
    const delegate = this.prisma[table] as unknown as { update(args: { where: { id: number }; data: { trashedAt: Date } }): Promise<unknown> };
    await delegate.update({ where: { id: node.id }, data: { trashedAt: new Date() } });
  }

  /**
   * A layered graph written in bulk: `layers` layers of `width` runs; run i of layer l reads
   * artifacts i and i+1 (mod width) of layer l and writes artifact i of layer l+1; a final run
   * reads the whole last layer and writes one summary artifact.
   * Nodes: layers·width runs + (layers+1)·width artifacts + 2.
   */
  async layered(layers: number, width: number): Promise<{ first: Node[]; summary: Node; nodes: number; edges: number }> {
    const transformId = await this.transform("layer-step");
    const userId = this.svc.user.id;
    const storageId = this.svc.storage.id;
    const prefix = base62(8);
    const artifactUid = (l: number, i: number) => `${prefix}A${String(l).padStart(4, "0")}${String(i).padStart(7, "0")}`;
    const runUid = (l: number, i: number) => `${prefix}R${String(l).padStart(4, "0")}${String(i).padStart(7, "0")}`;
    const chunk = async <T>(rows: T[], write: (part: T[]) => Promise<unknown>) => {
      for (let start = 0; start < rows.length; start += 500) await write(rows.slice(start, start + 500));
    };
    await chunk(
      Array.from({ length: width }, (_, i) => ({
        uid: artifactUid(0, i),
        stem: artifactUid(0, i).slice(0, 16),
        key: `layer0/${i}`,
        storageId,
        createdById: userId,
      })),
      (data) => this.prisma.artifact.createMany({ data }),
    );
    for (let l = 0; l < layers; l++) {
      await chunk(
        Array.from({ length: width }, (_, i) => ({ uid: runUid(l, i), transformId, createdById: userId })),
        (data) => this.prisma.run.createMany({ data }),
      );
      const runs = await this.prisma.run.findMany({
        where: { uid: { startsWith: `${prefix}R${String(l).padStart(4, "0")}` } },
        select: { id: true, uid: true },
      });
      const artifacts = await this.prisma.artifact.findMany({
        where: { uid: { startsWith: `${prefix}A${String(l).padStart(4, "0")}` } },
        select: { id: true, uid: true },
      });
      const runId = new Map(runs.map((run) => [run.uid, run.id]));
      const artifactId = new Map(artifacts.map((artifact) => [artifact.uid, artifact.id]));
      await chunk(
        Array.from({ length: width }, (_, i) => [
          { runId: runId.get(runUid(l, i)) as number, artifactId: artifactId.get(artifactUid(l, i)) as number },
          { runId: runId.get(runUid(l, i)) as number, artifactId: artifactId.get(artifactUid(l, (i + 1) % width)) as number },
        ]).flat(),
        (data) => this.prisma.runInputArtifact.createMany({ data }),
      );
      await chunk(
        Array.from({ length: width }, (_, i) => ({
          uid: artifactUid(l + 1, i),
          stem: artifactUid(l + 1, i).slice(0, 16),
          key: `layer${l + 1}/${i}`,
          storageId,
          createdById: userId,
          runId: runId.get(runUid(l, i)) as number,
        })),
        (data) => this.prisma.artifact.createMany({ data }),
      );
    }
    const last = await this.prisma.artifact.findMany({ where: { uid: { startsWith: `${prefix}A${String(layers).padStart(4, "0")}` } }, select: { id: true } });
    const final = await this.run(
      "summarise",
      last.map((a) => ({ id: a.id, uid: "" })),
    );
    const summary = await this.artifact("summary.html", final);
    const first = await this.prisma.artifact.findMany({
      where: { uid: { startsWith: `${prefix}A0000` } },
      select: { id: true, uid: true },
      orderBy: { uid: "asc" },
    });
    return { first, summary, nodes: layers * width + (layers + 1) * width + 2, edges: layers * width * 3 + width + 1 };
  }
}
