//! The PostgreSQL harness itself: a cluster of its own starts on a free port, keeps what is
//! written across a restart, and is gone — server stopped, folder removed — when dropped.

use crate::pg::Cluster;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_throwaway_cluster_starts_keeps_data_across_a_restart_and_is_removed_when_dropped() {
    let cluster = Cluster::start();
    let folder = cluster.socket_dir().to_path_buf();
    let url = cluster.new_database().await;
    let dbname = url
        .rsplit("dbname=")
        .next()
        .expect("a database name")
        .to_owned();
    let client = cluster.connect(&dbname).await;
    client
        .batch_execute("CREATE TABLE t (n int); INSERT INTO t VALUES (41), (1)")
        .await
        .expect("the new database takes a table");
    drop(client);

    cluster.restart();
    let client = cluster.connect(&dbname).await;
    let row = client
        .query_one("SELECT sum(n)::int FROM t", &[])
        .await
        .expect("the table is read after the restart");
    assert_eq!(
        row.get::<_, i32>(0),
        42,
        "committed rows survive a PostgreSQL restart"
    );
    drop(client);

    let port = cluster.port();
    drop(cluster);
    assert!(
        !folder.exists(),
        "the cluster's folder is removed when the cluster is dropped"
    );
    assert!(
        std::net::TcpStream::connect(("127.0.0.1", port)).is_err(),
        "nothing listens on the cluster's port after it is dropped"
    );
}
