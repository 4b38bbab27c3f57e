package cz.zoom.screenrec.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.MessageToByteEncoder;
import io.netty.handler.codec.MessageToMessageDecoder;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Framing and JSON mapping of the control protocol, shared by server and client.
 *
 * <p>A frame is a 4-byte big-endian unsigned length N (1..{@link Limits#MAX_FRAME_BYTES}) followed
 * by N bytes of UTF-8 JSON: one {@link ControlMessage}.
 */
public final class ControlCodec {
  /** Shared, thread-safe mapper for control messages. */
  public static final ObjectMapper JSON = strictMapper();

  /**
   * Types on the wire are what docs/protocol.md says: no number read as text, no text or float read
   * as a whole number, nothing after the object. Unknown fields are ignored: newer peers may add
   * them (docs/protocol.md, "Compatibility").
   */
  private static ObjectMapper strictMapper() {
    ObjectMapper mapper =
        new ObjectMapper()
            .setSerializationInclusion(JsonInclude.Include.NON_NULL)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true)
            .configure(DeserializationFeature.ACCEPT_FLOAT_AS_INT, false)
            .configure(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, true);
    mapper
        .coercionConfigFor(LogicalType.Textual)
        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
    mapper
        .coercionConfigFor(LogicalType.Integer)
        .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
    mapper
        .coercionConfigFor(LogicalType.Boolean)
        .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
    return mapper;
  }

  private ControlCodec() {}

  /** Adds framing and message mapping to a pipeline; the caller adds its own handler after. */
  public static void install(ChannelPipeline pipeline) {
    pipeline.addLast("frameDecoder", new FrameDecoder());
    pipeline.addLast("messageDecoder", new MessageDecoder());
    pipeline.addLast("messageEncoder", new MessageEncoder());
  }

  /** Serialises one message to its JSON payload (no length prefix). */
  public static byte[] toJson(ControlMessage message) {
    try {
      return JSON.writeValueAsBytes(message);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise " + message, e);
    }
  }

  /** Parses and validates one JSON payload; throws {@link ProtocolException} on bad input. */
  public static ControlMessage fromJson(byte[] payload) {
    try {
      return validated(JSON.readValue(payload, ControlMessage.class));
    } catch (IOException e) {
      throw mapParseError(e);
    }
  }

  /** Maps whatever a pipeline threw while reading to the protocol error the peer should get. */
  public static ProtocolException classify(Throwable cause) {
    Throwable t =
        cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
    if (t instanceof ProtocolException pe) {
      return pe;
    }
    if (t instanceof TooLongFrameException) {
      return new ProtocolException(
          ErrorCode.FRAME_TOO_LARGE, "frames are at most " + Limits.MAX_FRAME_BYTES + " bytes");
    }
    return new ProtocolException(ErrorCode.INTERNAL, "internal error");
  }

  /**
   * Sends ERROR and closes once it is written, or after two seconds if the peer does not take it.
   * Safe to call on an already closed channel.
   */
  public static void failAndClose(ChannelHandlerContext ctx, ErrorCode code, String message) {
    if (!ctx.channel().isActive()) {
      return;
    }
    ctx.writeAndFlush(new ErrorMessage(code, message)).addListener(ChannelFutureListener.CLOSE);
    // a peer that reads nothing would hold the ERROR, and with it the connection, for ever; the
    // channel's event loop, as a handler's own executor (a business group) may not schedule
    ScheduledFuture<?> anyway =
        ctx.channel().eventLoop().schedule(() -> ctx.close(), 2, TimeUnit.SECONDS);
    ctx.channel().closeFuture().addListener(f -> anyway.cancel(false));
  }

  private static ControlMessage validated(ControlMessage message) {
    if (message == null) {
      throw new ProtocolException(ErrorCode.BAD_FRAME, "payload must be a JSON object");
    }
    message.validate();
    return message;
  }

  private static ProtocolException mapParseError(IOException e) {
    if (e instanceof InvalidTypeIdException) {
      return new ProtocolException(
          ErrorCode.UNKNOWN_TYPE,
          "type is missing or not a message of protocol version " + Limits.PROTOCOL_VERSION);
    }
    if (e instanceof com.fasterxml.jackson.core.JsonParseException) {
      return new ProtocolException(ErrorCode.BAD_FRAME, "payload is not valid JSON");
    }
    String detail = e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("");
    return new ProtocolException(ErrorCode.BAD_MESSAGE, "malformed message: " + truncate(detail));
  }

  private static String truncate(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "...";
  }

  /** Splits the byte stream into frames; rejects oversized frames before buffering them. */
  static final class FrameDecoder extends LengthFieldBasedFrameDecoder {
    FrameDecoder() {
      // Netty counts the 4-byte prefix against its limit; ours is on the payload alone
      super(Limits.MAX_FRAME_BYTES + 4, 0, 4, 0, 4, true);
    }

    @Override
    protected Object decode(ChannelHandlerContext ctx, ByteBuf in) throws Exception {
      if (in.readableBytes() >= 4 && in.getUnsignedInt(in.readerIndex()) == 0) {
        throw new ProtocolException(ErrorCode.BAD_FRAME, "frame length must be at least 1");
      }
      return super.decode(ctx, in);
    }
  }

  static final class MessageDecoder extends MessageToMessageDecoder<ByteBuf> {
    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf frame, List<Object> out) {
      try (ByteBufInputStream in = new ByteBufInputStream(frame)) {
        out.add(validated(JSON.readValue((java.io.InputStream) in, ControlMessage.class)));
      } catch (IOException e) {
        throw mapParseError(e);
      }
    }
  }

  static final class MessageEncoder extends MessageToByteEncoder<ControlMessage> {
    @Override
    protected void encode(ChannelHandlerContext ctx, ControlMessage message, ByteBuf out)
        throws IOException {
      int lengthIndex = out.writerIndex();
      out.writeInt(0);
      try (ByteBufOutputStream body = new ByteBufOutputStream(out)) {
        JSON.writeValue((java.io.OutputStream) body, message);
      }
      int length = out.writerIndex() - lengthIndex - 4;
      if (length > Limits.MAX_FRAME_BYTES) {
        throw new IllegalStateException(
            "message exceeds the frame limit: " + message.getClass().getSimpleName());
      }
      out.setInt(lengthIndex, length);
    }
  }
}
