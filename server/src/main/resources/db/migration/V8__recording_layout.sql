-- How the encoder laid a recording's screens out in its video, one row per screen: the screen's
-- rectangle in desktop pixels, counted from the top-left corner of all its screens, and the
-- canvas it was drawn into (the video's frame size; the canvas shows every scale-th desktop
-- pixel). The replay crops one monitor out of the video with it. A recording's rows are written
-- by one statement, so a reader sees all of them or none.
CREATE TABLE recording_layout (
  recording_id  VARCHAR(36) NOT NULL REFERENCES recordings (id),
  screen_id     INT         NOT NULL,
  x             INT         NOT NULL,
  y             INT         NOT NULL,
  width         INT         NOT NULL,
  height        INT         NOT NULL,
  canvas_width  INT         NOT NULL,
  canvas_height INT         NOT NULL,
  scale         INT         NOT NULL,
  PRIMARY KEY (recording_id, screen_id)
);
