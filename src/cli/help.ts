// The command's help text.
export const HELP = `lineage-registry: record and query runs of workflow steps

Usage: lineage-registry <command> [options]

Client commands (talk to a server over HTTP):
  track --transform NAME [--key KEY] [--version V] [--type script] [--input PATH|UID]…
        [--output PATH]… [--param name=value]… [--param-type name=TYPE]…
        [--reference R --reference-type T] [--no-environment] [--quiet] -- COMMAND [ARGS…]
                        run COMMAND as a tracked run: inputs hashed and registered, outputs
                        registered when they exist, its output kept as the run's report;
                        exit code 0 → COMPLETED, non-zero → ERRORED, a signal → ABORTED;
                        the command's exit code is this command's exit code
  lineage <uid|path> [--up|--down] [--depth N] [--format text|mermaid|dot|json]
                        the lineage graph of a run, artifact or collection (a path is hashed
                        and looked up)
  runs [--status S]… [--transform NAME] [--limit N] [--json]
                        the latest runs as a table

  --url <url>           the service's GraphQL endpoint [LINEAGE_URL] (default http://127.0.0.1:4000/graphql)
  --token <token>       bearer token [LINEAGE_TOKEN]
  --timeout <ms>        time each request may take (default 30000); failed requests are retried

Operator commands (on the database, as the server: --data-dir, --database-url):
  user create|list, token create|list|revoke      see lineage-registry user --help
`;
