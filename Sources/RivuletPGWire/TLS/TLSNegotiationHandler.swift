import NIOCore
import NIOSSL

/// Answers a client's SSLRequest with `S` and puts TLS in front of the connection before the
/// StartupMessage is read. Installed first in the pipeline of servers that have a certificate.
///
/// It reads only the first packet (or packets: a GSSENCRequest is refused with `N` and the client
/// may then ask for TLS). An SSLRequest is answered with the single byte `S`, the TLS handler is
/// inserted at the front, and this handler leaves, so every later byte goes through TLS first.
/// Bytes sent after the SSLRequest but before the TLS handshake would reach the server
/// unencrypted; as Postgres does, such a connection is closed. Any other first packet
/// (StartupMessage, CancelRequest) goes on unchanged to the message decoder.
final class TLSNegotiationHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let context: NIOSSLContext
    private var buffered: ByteBuffer?

    init(context: NIOSSLContext) {
        self.context = context
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        if buffered == nil {
            buffered = incoming
        } else {
            buffered!.writeBuffer(&incoming)
        }
        negotiate(context: context)
    }

    private func negotiate(context: ChannelHandlerContext) {
        while var buffer = buffered, buffer.readableBytes >= 8 {
            let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self)
            let code = buffer.getInteger(at: buffer.readerIndex + 4, as: UInt32.self)
            guard length == 8 else { break }
            switch code {
            case FrontendMessageDecoder.gssEncryptionRequestCode:
                buffer.moveReaderIndex(forwardBy: 8)
                buffered = buffer
                context.writeAndFlush(wrapOutboundOut(ByteBuffer(bytes: [UInt8(ascii: "N")])), promise: nil)
                continue
            case FrontendMessageDecoder.sslRequestCode:
                guard buffer.readableBytes == 8 else {
                    // The client did not wait for the answer: refuse to mix plain and encrypted bytes.
                    buffered = nil
                    context.close(promise: nil)
                    return
                }
                buffered = nil
                // The `S` reaches the socket before the TLS handler exists, so it goes out in clear.
                context.writeAndFlush(wrapOutboundOut(ByteBuffer(bytes: [UInt8(ascii: "S")])), promise: nil)
                do {
                    try context.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: self.context), position: .first)
                } catch {
                    context.close(promise: nil)
                    return
                }
                context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
                return
            default:
                break
            }
            break
        }
        guard let buffer = buffered, buffer.readableBytes >= 8 else { return }
        // Not a request for encryption: the rest is the decoder's.
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        if let buffer = buffered, buffer.readableBytes > 0 {
            buffered = nil
            context.fireChannelRead(wrapInboundOut(buffer))
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let buffer = buffered, buffer.readableBytes > 0 {
            buffered = nil
            context.fireChannelRead(wrapInboundOut(buffer))
        }
        context.fireChannelInactive()
    }
}
