// tus-js-client resolves upload URLs with the `url-parse` package; every browser the app
// supports has the URL class built in, so the app's bundle uses it instead (fewer bytes
// on 2G). Only `new URL(link, origin).toString()` is used. (tus-js-client imports it as
// the module's default export, hence the name.)
const NativeUrl = URL;
export { NativeUrl as default };
