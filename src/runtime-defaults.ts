// The service runs as a production process unless told otherwise: graphql-js checks every
// `instanceof` of an execution twice over outside production (a guard against two copies of the
// library), which cost a dashboard page some 3 % of its CPU (docs/architecture.md, "Dashboard
// pages"). Imported first by src/server.ts, so that it runs before any module reads NODE_ENV.
process.env.NODE_ENV ??= "production";
