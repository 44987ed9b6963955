export { type Asset, buildAppAssets } from './assets.ts';
export { ContentLibrary } from './content.ts';
export { webRoutes } from './routes.ts';
