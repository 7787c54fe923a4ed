// node --import ./register.mjs: installs esm_resolve.mjs's resolve hook.
import { register } from 'node:module';

register('./esm_resolve.mjs', import.meta.url);
