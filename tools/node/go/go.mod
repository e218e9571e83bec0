// The e2e node's own images (npm run test:e2e): pause and the test application. Standard library only.
module mini-atlas.local/node-images

go 1.22
