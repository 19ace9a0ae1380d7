export { join, type JoinOptions, type Membership } from './join.js';
