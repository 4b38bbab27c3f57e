/**
 * Who owns the recording in hand: the {@code OwnershipState} table and {@code RecordingOwnership},
 * which carries out the server's commands on a capture backend and the spool by it, for the desktop
 * client and for each session of the service alike. Public API; {@code UploadTargets} (grants,
 * adoption's new targets, the pending list) is its implementation.
 */
@PublicApi
package cz.zoom.screenrec.client.ownership;

import cz.zoom.screenrec.client.PublicApi;
