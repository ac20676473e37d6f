# One image for the API and the worker (docker-compose.yml picks the command); both run TypeScript with tsx.
# Temporal, PostgreSQL and SMTP are separate services, so the .tools binaries from `npm run setup` are not needed here.
FROM node:20-bookworm-slim
WORKDIR /app

# Dependencies first so source edits do not invalidate this layer. --ignore-scripts matches how the
# project is developed and tested (no dependency install scripts; Prisma needs no native engine).
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund

COPY . .
RUN npm run db:generate
# The web app the API serves at / (web/dist).
RUN npm run web:build

ENV NODE_ENV=production
# The app runs unprivileged; DATA_DIR (default ./data) is the one place it may write.
RUN mkdir -p data && chown node:node data
USER node
EXPOSE 3000
CMD ["npm", "run", "start:api"]
