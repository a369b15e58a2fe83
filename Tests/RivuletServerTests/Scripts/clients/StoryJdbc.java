// The client story with pgJDBC (Debian's libpostgresql-jdbc-java): PreparedStatements with
// typed parameters over the extended protocol, and DatabaseMetaData's table and column lists.
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

public class StoryJdbc {
    public static void main(String[] args) throws Exception {
        String port = args[0], prefix = args[1];
        String clicks = prefix + "_clicks", counts = prefix + "_counts";
        try (Connection conn = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/rivulet?user=story")) {
            conn.setAutoCommit(true);
            try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("SELECT 1")) {
                rs.next();
                System.out.println("connected " + rs.getInt(1));
            }
            try (Statement st = conn.createStatement()) {
                st.execute("CREATE STREAM " + clicks + " (user_id BIGINT, page VARCHAR)");
            }
            try (PreparedStatement insert = conn.prepareStatement("INSERT INTO " + clicks + " (user_id, page) VALUES (?, ?)")) {
                long[] users = {1, 2, 1, 3};
                String[] pages = {"home", "cart", "home", "home"};
                for (int i = 0; i < users.length; i++) {
                    insert.setLong(1, users[i]);
                    insert.setString(2, pages[i]);
                    insert.executeUpdate();
                }
            }
            try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + clicks)) {
                rs.next();
                System.out.println("inserted " + rs.getLong(1));
            }
            try (Statement st = conn.createStatement()) {
                st.execute("CREATE TABLE " + counts + " AS SELECT page, COUNT(*) AS n FROM " + clicks + " GROUP BY page");
            }
            DatabaseMetaData meta = conn.getMetaData();
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = meta.getTables(null, "public", prefix + "%", new String[] {"TABLE"})) {
                while (rs.next()) tables.add(rs.getString("TABLE_NAME"));
            }
            System.out.println("tables " + tables);
            List<String> columns = new ArrayList<>();
            try (ResultSet rs = meta.getColumns(null, "public", counts, null)) {
                while (rs.next()) columns.add(rs.getString("COLUMN_NAME") + " " + rs.getString("TYPE_NAME"));
            }
            System.out.println("columns " + columns);
            long n = -1;
            long deadline = System.currentTimeMillis() + 20_000;
            try (PreparedStatement pull = conn.prepareStatement("SELECT n FROM " + counts + " WHERE page = ?")) {
                pull.setString(1, "home");
                while (n != 3) {
                    try (ResultSet rs = pull.executeQuery()) {
                        n = rs.next() ? rs.getLong(1) : -1;
                    }
                    if (n != 3 && System.currentTimeMillis() > deadline) {
                        throw new IllegalStateException("the table counted " + n + " home clicks, not 3, within 20 s");
                    }
                    if (n != 3) Thread.sleep(50);
                }
            }
            System.out.println("pull " + n);
            List<String> rows = new ArrayList<>();
            try (Statement st = conn.createStatement();
                 ResultSet rs = st.executeQuery("SELECT user_id, page FROM " + clicks + " EMIT CHANGES LIMIT 2")) {
                while (rs.next()) rows.add("(" + rs.getLong(1) + ", '" + rs.getString(2) + "')");
            }
            System.out.println("push [" + String.join(", ", rows) + "]");
            try (Statement st = conn.createStatement()) {
                st.executeQuery("SELECT * FROM " + prefix + "_missing");
            } catch (SQLException error) {
                System.out.println("error " + error.getSQLState());
            }
        }
        System.out.println("closed");
    }
}
