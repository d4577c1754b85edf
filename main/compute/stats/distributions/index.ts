export { dnorm, pnorm, qnorm } from './normal.js';
export { dgamma, pgamma, qgamma, dchisq, pchisq, qchisq } from './gamma.js';
export { dbeta, pbeta, qbeta } from './beta.js';
export { dt, pt, qt } from './studentT.js';
export { df, pf, qf } from './fisherF.js';
export { lgamma, lbeta } from './special.js';
export { incompleteBeta, incompleteGamma } from './incomplete.js';
export type { TailPair } from './incomplete.js';
