/**
 * The uploader that moves spooled segments to a Media Upload Server. Public API; the
 * package-private classes are its implementation.
 */
@PublicApi
package cz.zoom.screenrec.client.upload;

import cz.zoom.screenrec.client.PublicApi;
