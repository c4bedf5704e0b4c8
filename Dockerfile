# One image for the four services; choose with APP (emotion-detector, sla-monitor, router, ingest-gateway).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx nest build emotion-detector && npx nest build sla-monitor && npx nest build router && npx nest build ingest-gateway

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
# Same heap cap as the cx-env ConfigMap (deploy/k8s/config.yaml), which npm run bench measures with.
ENV NODE_OPTIONS="--max-old-space-size=192 --max-semi-space-size=32"
# V8 flags Node refuses in NODE_OPTIONS (the ConfigMap's NODE_ARGS, which overrides this default).
ENV NODE_ARGS="--single-threaded-gc --heap-growing-percent=100"
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY --from=build /app/dist ./dist
COPY --from=build /app/libs/emotion/model ./libs/emotion/model
COPY --from=build /app/deploy ./deploy
ARG APP=router
ENV APP=${APP}
USER node
CMD ["sh", "-c", "exec node ${NODE_ARGS} dist/apps/${APP}/main.js"]
