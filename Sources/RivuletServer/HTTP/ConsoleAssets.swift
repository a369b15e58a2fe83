import Hummingbird
import NIOCore

/// The web console: one page, its style sheet and its script, written for Rivulet and compiled
/// into the binary (Console/ is embedded by the package manifest), so it loads with no network.
enum ConsoleAssets {
    static func add(to group: RouterGroup<ConsoleRequestContext>) {
        group.get("/") { _, _ in response(PackageResources.index_html, contentType: "text/html; charset=utf-8") }
        group.get("/console.css") { _, _ in response(PackageResources.console_css, contentType: "text/css; charset=utf-8") }
        group.get("/console.js") { _, _ in response(PackageResources.console_js, contentType: "text/javascript; charset=utf-8") }
    }

    private static func response(_ bytes: [UInt8], contentType: String) -> Response {
        // Revalidated on every load, so a new binary's console is never mixed with an old one's.
        Response(status: .ok, headers: [.contentType: contentType, .cacheControl: "no-cache"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
