/**
 * Screen capture: screen sources (XShm + XDamage, java.awt.Robot), the {@code Recorder} that turns
 * them into segments, and the {@code CaptureBackend} interface that the recorder and the service's
 * IPC capture implement. Public API; the package-private classes are its implementation.
 */
@PublicApi
package cz.zoom.screenrec.client.capture;

import cz.zoom.screenrec.client.PublicApi;
