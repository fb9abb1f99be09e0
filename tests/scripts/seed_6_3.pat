Epoch 1/2
re:1875/1875 \[==============================\] - {time} - loss: {num} - accuracy: {num}
Epoch 2/2
re:1875/1875 \[==============================\] - {time} - loss: {num} - accuracy: {num}
re:313/313 \[==============================\] - {time} - loss: {num} - accuracy: {num}
re:Loss: [0-9]+\.[0-9]+(e-[0-9]+)?
re:Accuracy: 0\.[0-9]+
re:Score: 0\.[0-9]+
2 True
True
