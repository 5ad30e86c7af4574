// A page that imports the package and nothing else, for the returning-user figure of bench/run.mjs.
import { CognitoClient } from '/target/bench/pkg/index.js';

window.CognitoClient = CognitoClient;
document.body.dataset.ready = 'true';
