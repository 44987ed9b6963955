export { type NodeInfo, infoRoutes } from './routes.ts';
export { openApiDocument } from './openapi.ts';
