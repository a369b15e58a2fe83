// The client story with node-postgres (Debian's node-pg): untyped text parameters, whose types
// the server infers, and prepared statements by name.
const { Client } = require('pg');

const [port, prefix] = process.argv.slice(2);
const clicks = `${prefix}_clicks`;
const counts = `${prefix}_counts`;

async function main() {
    const client = new Client({ host: '127.0.0.1', port: Number(port), user: 'story', database: 'rivulet' });
    await client.connect();
    console.log('connected', (await client.query('SELECT 1 AS one')).rows[0].one);
    await client.query(`CREATE STREAM ${clicks} (user_id BIGINT, page VARCHAR)`);
    for (const [userId, page] of [[1, 'home'], [2, 'cart'], [1, 'home'], [3, 'home']]) {
        await client.query({ name: 'insert', text: `INSERT INTO ${clicks} (user_id, page) VALUES ($1, $2)`, values: [userId, page] });
    }
    console.log('inserted', (await client.query(`SELECT COUNT(*) AS n FROM ${clicks}`)).rows[0].n);
    await client.query(`CREATE TABLE ${counts} AS SELECT page, COUNT(*) AS n FROM ${clicks} GROUP BY page`);
    const deadline = Date.now() + 20000;
    let n;
    for (;;) {
        const result = await client.query({ name: 'pull', text: `SELECT n FROM ${counts} WHERE page = $1`, values: ['home'] });
        n = result.rows.length ? result.rows[0].n : null;
        if (n === '3') break;
        if (Date.now() > deadline) throw new Error(`the table counted ${n} home clicks, not 3, within 20 s`);
        await new Promise((resolve) => setTimeout(resolve, 50));
    }
    console.log('pull', n);
    const push = await client.query(`SELECT user_id, page FROM ${clicks} EMIT CHANGES LIMIT 2`);
    console.log('push', `[${push.rows.map((row) => `(${row.user_id}, '${row.page}')`).join(', ')}]`);
    try {
        await client.query(`SELECT * FROM ${prefix}_missing`);
    } catch (error) {
        console.log('error', error.code);
    }
    await client.end();
    console.log('closed');
}

main().catch((error) => {
    console.error(error);
    process.exit(1);
});
