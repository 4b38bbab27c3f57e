/**
 * Segments on local disk until a server stored them: files and manifests only, nothing of the
 * protocol's messages. Public API; the package-private classes are its implementation.
 */
@PublicApi
package cz.zoom.screenrec.client.spool;

import cz.zoom.screenrec.client.PublicApi;
