// Nested lineage relations cost a number of SQL statements bounded by the nesting depth,
// whatever the width of each level: the same query over a narrow and a wide graph issues the
// same statements.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GraphFixture, type Node } from "../helpers/lineage-fixtures.ts";
import { ok, startTestService, type TestService } from "../harness.ts";

let svc: TestService;
let g: GraphFixture;
beforeAll(async () => {
  svc = await startTestService();
  g = new GraphFixture(svc);
});
afterAll(async () => svc?.stop());

/**
 * A tree of `levels` runs deep ending in one artifact: every run reads `fan` artifacts (each
 * made by a run one level up) and one collection of them, and was initiated by a parent run.
 */
async function tree(prefix: string, fan: number, levels: number): Promise<Node> {
  const parent = await g.run(`${prefix}-orchestrator`);
  const build = async (level: number): Promise<Node> => {
    const inputs: Node[] = [];
    for (let i = 0; i < fan; i++) inputs.push(level === levels - 1 ? await g.artifact(`${prefix}/raw`) : await build(level + 1));
    const collection = await g.collection(`${prefix}/set-${level}`, inputs);
    const run = await g.run(`${prefix}-step-${level}`, inputs, [collection]);
    await svc.db.prisma.run.update({ where: { id: run.id }, data: { initiatedById: parent.id } });
    await g.artifact(`${prefix}/log-${level}`, run); // a second output per run
    return g.artifact(`${prefix}/out-${level}`, run);
  };
  return build(0);
}

const FIVE_LEVELS = `query($uid: String!) {
  artifact(uid: $uid) { uid
    run { uid
      initiatedBy { uid }
      transform { name runs(first: 3) { edges { node { uid } } } }
      outputArtifacts { uid }
      inputCollections { uid artifacts { uid } }
      inputArtifacts { uid
        inputOfRuns { uid }
        run { uid
          initiatedBy { uid }
          inputCollections { uid artifacts { uid inputOfRuns { uid } } }
          inputArtifacts { uid
            run { uid
              outputArtifacts { uid }
              inputArtifacts { uid
                run { uid
                  inputArtifacts { uid
                    run { uid transform { name } }
                  }
                }
              }
            }
          }
        }
      }
    }
  }
}`;

describe("nested relation fields", () => {
  it("issue as many statements on a wide graph as on a narrow one", async () => {
    const narrow = await tree("narrow", 1, 5);
    const wide = await tree("wide", 3, 5); // 3, 9, 27, 81 and 243 inputs at the five levels
    const results: { count: number; statements: string[]; data: any }[] = [];
    for (const start of [narrow, wide]) {
      let data: any;
      const counted = await svc.countStatements(async () => {
        data = ok(await svc.gql(FIVE_LEVELS, { uid: start.uid })).artifact;
      });
      results.push({ ...counted, data });
    }
    const [n, w] = results;
    // the wide graph really is wide at the fourth level of runs
    const fourth = w.data.run.inputArtifacts.flatMap((a: any) => a.run.inputArtifacts.flatMap((b: any) => b.run.inputArtifacts));
    expect(fourth).toHaveLength(27);
    expect(fourth.flatMap((c: any) => c.run.inputArtifacts)).toHaveLength(81);
    expect(w.data.run.inputCollections[0].artifacts).toHaveLength(3);
    expect(w.data.run.initiatedBy.uid).toBeTruthy();
    expect(n.data.run.inputArtifacts).toHaveLength(1);

    expect(w.count).toBe(n.count);
    // one statement per relation hop of the query: 33, counting a many-to-many hop (inputs,
    // members, inputOfRuns) as two, its link table and its target
    expect(n.count).toBeLessThanOrEqual(33);
  });

  it("batches Transform.runs and Artifact.inputOfRuns under a list", async () => {
    const query = `query($k: String!) { artifacts(filter: { key: { startsWith: $k } }, first: 100) {
      edges { node { uid inputOfRuns { uid transform { name runs(first: 2) { totalCount edges { node { uid outputArtifacts { uid } } } } } } } }
    } }`;
    const counts: number[] = [];
    for (const prefix of ["narrow/out-4", "wide/"]) {
      const { count } = await svc.countStatements(async () => {
        const page = ok(await svc.gql(query, { k: prefix })).artifacts;
        expect(page.edges.length).toBeGreaterThan(0);
      });
      counts.push(count);
    }
    expect(counts[1]).toBe(counts[0]);
  });
});
