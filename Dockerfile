# The cloud-environments subgraph, production image.
# Build: the same steps CI runs (npm ci, npm run build); run: only the built code, as a non-root user,
# on Node 24 LTS (CI runs the test suite under Node 24 as well as the machine's Node 20).

FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY tools/build.ts ./tools/
RUN npm run build

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production PORT=4001
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
USER node
# GraphQL, probes and metrics on 4001; WeChat's pushes on EVENTS_PORT (4002 in the examples), the only port to expose.
EXPOSE 4001 4002
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||4001)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "--import", "./dist/telemetry.js", "dist/main.js"]
