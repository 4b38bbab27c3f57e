/**
 * Screen capture: screen sources (XShm + XDamage, java.awt.Robot) and the {@code Recorder} that
 * turns them into segments. Public API; the package-private classes are its implementation.
 */
@PublicApi
package cz.zoom.screenrec.client.capture;

import cz.zoom.screenrec.client.PublicApi;
