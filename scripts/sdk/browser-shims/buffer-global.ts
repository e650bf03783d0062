// Injected into the browser bundle (esbuild `inject`): core's uses of the Buffer global get the `buffer` package.
export { Buffer } from "buffer";
