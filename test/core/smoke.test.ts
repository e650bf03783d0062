import t from "tap";
t.equal(process.versions.node.split(".")[0], "22", "tests run on Node 22");
